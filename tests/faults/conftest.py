"""Parts that fail on purpose: a Redis of the test's own, seeded PostgreSQL and SQLite databases."""

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.databases import DatabaseTemplate, require_postgres
from tests.running_app import free_port


class RedisServer:
    """A redis-server on a free port that the test may stop and start again."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None and not Path("/usr/bin/redis-server").exists():
        pytest.fail("redis-server is needed for the fault tests", pytrace=False)
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseTemplate]:
    from mentor_dash.seed import seed_demo

    require_postgres()
    template = DatabaseTemplate("postgresql", tmp_path_factory.mktemp("faults-pg"))
    template.build(lambda engine: seed_demo(engine))
    yield template
    template.destroy()


@pytest.fixture(scope="session")
def demo_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseTemplate]:
    from mentor_dash.seed import seed_demo

    template = DatabaseTemplate("sqlite", tmp_path_factory.mktemp("faults-sqlite"))
    template.build(lambda engine: seed_demo(engine))
    yield template
    template.destroy()
