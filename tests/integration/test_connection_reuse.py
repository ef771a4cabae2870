"""Database work from every thread at once reuses pooled connections instead of opening new ones."""

import asyncio

from sqlalchemy import Engine, event, text
from sqlmodel import Session

from mentor_dash.db import DATABASE_THREADS, override_engine
from mentor_dash.services.unit_of_work import run_read
from mentor_dash.state import in_thread
from tests.loops import run_async


def slow_read(*, session: Session) -> int:
    """A read that holds its connection a little, so that every thread needs one at the same time."""
    pause = "SELECT 1" if session.get_bind().dialect.name == "sqlite" else "SELECT 1 FROM pg_sleep(0.02)"
    return session.execute(text(pause)).scalar_one()


def test_every_database_thread_busy_at_once_opens_no_connections_after_the_first_round(
    engine: Engine,
) -> None:
    opened: list[object] = []
    event.listen(engine, "connect", lambda connection, record: opened.append(connection))

    async def rounds() -> None:
        with override_engine(engine):
            for _ in range(5):
                await asyncio.gather(*[in_thread(run_read, slow_read) for _ in range(DATABASE_THREADS)])

    run_async(rounds())

    assert 1 <= len(opened) <= DATABASE_THREADS
