"""Configuration read from the environment, with the defaults of a local single-process run."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "reflex.db"


def normalize_database_url(url: str) -> str:
    """Map the usual `postgres://` spellings onto the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    return normalize_database_url(url) if url else f"sqlite:///{DEFAULT_SQLITE_PATH}"


def redis_url() -> str | None:
    return os.environ.get("REDIS_URL", "").strip() or None


def app_port() -> int:
    return int(os.environ.get("PORT", "3000"))


def cors_allowed_origins() -> list[str]:
    """Origins allowed to open the event websocket; the app's own origin unless configured."""
    configured = os.environ.get("ALLOWED_ORIGINS", "").strip()
    if configured:
        return [origin.strip() for origin in configured.split(",") if origin.strip()]
    port = app_port()
    return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]
