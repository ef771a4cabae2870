"""The 100,000-participant databases the benchmarks read, built once and kept between runs."""

import os
import sys
import time

from sqlalchemy import Engine, text

from mentor_dash.db import build_engine, migrate_to_head
from mentor_dash.settings import PROJECT_ROOT
from tests.databases import POSTGRES_ADMIN_URL, _admin_engine, postgres_url

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "100000"))
SQLITE_PATH = PROJECT_ROOT / "bench" / f"scale-{PARTICIPANTS // 1000}k.db"
POSTGRES_DATABASE = f"md_bench_{PARTICIPANTS // 1000}k"


def _progress(fraction: float, label: str) -> None:
    print(f"\r  seeding {PARTICIPANTS:,} participants: {fraction:6.1%} {label:<30}", end="", file=sys.stderr)


def _ensure_seeded(engine: Engine, label: str) -> None:
    from mentor_dash.seed import database_is_empty, seed_scale

    migrate_to_head(engine)
    if database_is_empty(engine):
        started = time.perf_counter()
        seed_scale(engine, participants=PARTICIPANTS, progress=_progress)
        print(f"\n  {label}: seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def scale_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    admin = _admin_engine()
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": POSTGRES_DATABASE}
        ).first()
        if not exists:
            connection.execute(text(f"CREATE DATABASE {POSTGRES_DATABASE}"))
    admin.dispose()
    return postgres_url(POSTGRES_DATABASE)


def scale_engine(backend: str) -> Engine:
    """A migrated, seeded scale database on `backend` ("sqlite" or "postgresql")."""
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    engine = build_engine(scale_url(backend))
    _ensure_seeded(engine, f"{backend} ({POSTGRES_ADMIN_URL if backend != 'sqlite' else SQLITE_PATH})")
    return engine
