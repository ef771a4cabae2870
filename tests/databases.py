"""Throw-away databases for the test run: SQLite files and one PostgreSQL database per run."""

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from mentor_dash.db import build_engine, migrate_to_head

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # any driver error means "not reachable" here
        return f"{type(error).__name__}: {error}"


def require_postgres() -> None:
    reason = postgres_available()
    if reason is None:
        return
    message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable ({reason})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + "; CI must run the PostgreSQL tests", pytrace=False)
    pytest.skip(message)


def _admin_engine() -> Engine:
    return create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_postgres_database(template: str | None = None) -> str:
    name = f"md_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as connection:
        clause = f" TEMPLATE {template}" if template else ""
        connection.execute(text(f"CREATE DATABASE {name}{clause}"))
    admin.dispose()
    return name


def drop_postgres_database(name: str) -> None:
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def postgres_url(database: str) -> str:
    return make_url(POSTGRES_ADMIN_URL).set(database=database).render_as_string(hide_password=False)


class DatabaseTemplate:
    """A migrated (optionally seeded) database that tests get fresh copies of."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.template_name = ""
        self.template_path = workdir / f"template-{uuid.uuid4().hex[:8]}.db"
        self._copies: list[str] = []

    def build(self, fill: "callable | None" = None) -> None:  # type: ignore[valid-type]
        if self.backend == "sqlite":
            engine = build_engine(f"sqlite:///{self.template_path}")
        else:
            self.template_name = create_postgres_database()
            engine = build_engine(postgres_url(self.template_name))
        migrate_to_head(engine)
        if fill is not None:
            fill(engine)
        if self.backend == "sqlite":
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()

    @contextmanager
    def copy(self) -> Iterator[Engine]:
        if self.backend == "sqlite":
            path = self.workdir / f"db-{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(self.template_path, path)
            engine = build_engine(f"sqlite:///{path}")
            try:
                yield engine
            finally:
                engine.dispose()
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            name = create_postgres_database(template=self.template_name)
            engine = build_engine(postgres_url(name))
            try:
                yield engine
            finally:
                engine.dispose()
                drop_postgres_database(name)

    def url_of(self, engine: Engine) -> str:
        return engine.url.render_as_string(hide_password=False)

    def destroy(self) -> None:
        if self.backend == "postgresql" and self.template_name:
            drop_postgres_database(self.template_name)


def table_names() -> list[str]:
    return [table.name for table in SQLModel.metadata.sorted_tables]


@contextmanager
def recorded_statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs, in order."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
