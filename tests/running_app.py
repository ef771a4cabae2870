"""Starting the real app (production build) on a free port, for browser tests and benchmarks."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mentor_dash.settings import PROJECT_ROOT

APP_START_TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class RunningApp:
    def __init__(self, base_url: str, database_url: str, log_path: Path, pid: int) -> None:
        self.base_url = base_url
        self.database_url = database_url
        self.log_path = log_path
        self.pid = pid

    def url(self, path: str) -> str:
        return self.base_url + path


def app_env(
    database_url: str, port: int, *, redis_url: str | None = None, workers: int | None = None
) -> dict:
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
    if redis_url:
        env["REDIS_URL"] = redis_url
    if workers:
        env["GRANIAN_WORKERS"] = str(workers)
    return env


@contextmanager
def running_app(
    database_url: str, log_dir: Path, *, redis_url: str | None = None, workers: int | None = None
) -> Iterator[RunningApp]:
    port = free_port()
    log_path = log_dir / f"reflex-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                str(PROJECT_ROOT / ".venv" / "bin" / "python"),
                "-m",
                "mentor_dash.serve",
                "--env",
                "prod",
                "--frontend-port",
                str(port),
                "--backend-port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=app_env(database_url, port, redis_url=redis_url, workers=workers),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + APP_START_TIMEOUT_S
        while not (answers(base_url + "/ping") and answers(base_url + "/")):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start; log:\n{log_path.read_text()[-4000:]}")
            time.sleep(1)
        yield RunningApp(base_url, database_url, log_path, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
