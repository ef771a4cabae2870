"""A running app (production build, seeded SQLite) and a headless Chromium to drive it."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from mentor_dash.db import build_engine, migrate_to_head
from mentor_dash.settings import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
APP_START_TIMEOUT_S = 600


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _app_env(database_url: str, port: int) -> dict[str, str]:
    tools_bin = PROJECT_ROOT / ".tools" / "node_modules" / ".bin"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PATH": f"{tools_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
    }
    env.pop("REDIS_URL", None)
    return env


class RunningApp:
    def __init__(self, base_url: str, database_url: str, log_path: Path) -> None:
        self.base_url = base_url
        self.database_url = database_url
        self.log_path = log_path

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    from mentor_dash.seed import seed_demo

    workdir = tmp_path_factory.mktemp("app")
    database_url = f"sqlite:///{workdir / 'app.db'}"
    engine = build_engine(database_url)
    migrate_to_head(engine)
    seed_demo(engine)
    engine.dispose()

    port = _free_port()
    log_path = workdir / "reflex.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                str(PROJECT_ROOT / ".venv" / "bin" / "reflex"),
                "run",
                "--env",
                "prod",
                "--frontend-port",
                str(port),
                "--backend-port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=_app_env(database_url, port),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + APP_START_TIMEOUT_S
        while not (_answers(base_url + "/ping") and _answers(base_url + "/")):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start; log:\n{log_path.read_text()[-4000:]}")
            time.sleep(1)
        yield RunningApp(base_url, database_url, log_path)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run 'make chromium'", pytrace=False)
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def save_screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
