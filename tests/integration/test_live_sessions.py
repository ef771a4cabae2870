"""Live pages check their sessions in batches: few queries for many tabs, and a sign-out still ends a loop."""

import asyncio

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from mentor_dash import live
from mentor_dash.db import override_engine
from mentor_dash.services.auth import auth_sign_in, auth_sign_out
from tests import factories
from tests.databases import recorded_statements
from tests.factories import PASSWORD
from tests.loops import run_async

TABS = 12


@pytest.fixture
def tokens(engine: Engine) -> list[str]:
    with Session(engine) as session:
        org = factories.organization(session)
        coach = factories.coach(session, org, email="ada@test.example")
        session.commit()
        found = [
            auth_sign_in(session=session, email=coach.email, password=PASSWORD).token for _ in range(TABS)
        ]
        session.commit()
    return [token for token in found if token]


def session_checks(statements: list[str]) -> int:
    return sum("auth_session" in statement.lower() for statement in statements)


def test_a_dozen_open_tabs_asking_at_once_cost_two_queries_at_most(engine: Engine, tokens: list[str]) -> None:
    checks = live.SessionChecks()

    async def every_tab_asks() -> list[bool]:
        with override_engine(engine):
            return await asyncio.gather(*[checks.holds(token) for token in tokens])

    with recorded_statements(engine) as statements:
        answers = run_async(every_tab_asks())

    assert answers == [True] * TABS
    assert 1 <= session_checks(statements) <= 2


def test_a_session_signed_out_elsewhere_is_noticed_within_the_check_interval(
    engine: Engine, tokens: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "SESSION_CHECK_SECONDS", 0.2)
    checks = live.SessionChecks()
    first, second = tokens[0], tokens[1]

    async def ask_before_and_after_sign_out() -> tuple[list[bool], list[bool]]:
        with override_engine(engine):
            before = [await checks.holds(first), await checks.holds(second)]
            with Session(engine) as session:
                auth_sign_out(session=session, token=first)
                session.commit()
            await asyncio.sleep(0.25)
            return before, [await checks.holds(first), await checks.holds(second)]

    before, after = run_async(ask_before_and_after_sign_out())

    assert before == [True, True]
    assert after == [False, True]
