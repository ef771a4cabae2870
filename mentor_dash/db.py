"""Engines and sessions for SQLite (default) and PostgreSQL.

SQLite gets WAL, foreign keys and a busy timeout on every connection, and write sessions
start with BEGIN IMMEDIATE so that two writers queue instead of failing halfway with
"database is locked".
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from mentor_dash import settings

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

SQLITE_BUSY_TIMEOUT_MS = 15_000


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# Threads that run database work for the event loop (mentor_dash.state.in_thread). More than
# asyncio's default (cores + 4): most of a thread's time is spent waiting for the database, and
# one slow count must not hold up every other tab's page.
DATABASE_THREADS = 16
# Every such thread keeps a pooled connection, with a few to spare: with fewer, connections
# beyond the pool would be opened and closed every few queries.
POOL_SIZE = DATABASE_THREADS + 4
POOL_OVERFLOW = 10


def build_engine(url: str) -> Engine:
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_recycle=1800
    )


@cache
def _engine_for(url: str) -> Engine:
    return build_engine(url)


_override: list[Engine] = []


def get_engine() -> Engine:
    if _override:
        return _override[-1]
    return _engine_for(settings.database_url())


@contextmanager
def override_engine(engine: Engine) -> Iterator[Engine]:
    """Point every default session at `engine` (tests drive the app's state against their database)."""
    _override.append(engine)
    try:
        yield engine
    finally:
        _override.remove(engine)


@contextmanager
def read_session(engine: Engine | None = None) -> Iterator[Session]:
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        yield session


@contextmanager
def write_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session for one unit of work: committed on success, rolled back on any error."""
    bind = (engine or get_engine()).execution_options(sqlite_immediate=True)
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config() -> "AlembicConfig":
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig(str(settings.PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(settings.PROJECT_ROOT / "alembic"))
    return config


def migrate_to_head(engine: Engine) -> None:
    """Apply every migration to the database behind `engine` (what `reflex db migrate` does)."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
