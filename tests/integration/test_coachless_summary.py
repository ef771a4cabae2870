"""The manager overview's summary: coachless enrollments per program, no mentor, expiring subscriptions."""

from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine

from mentor_dash.db import override_engine
from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import NotAllowed, NotSignedIn, ValidationFailed
from mentor_dash.domain.grid import (
    GridQuery,
    GridScope,
    bulk_selection_from,
    grid_filters_from_url,
    grid_query_from,
)
from mentor_dash.domain.statuses import SubscriptionStatus
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.coach_candidates import program_coach_candidates
from mentor_dash.selectors.coachless_summary import coachless_summary, summary_cache
from mentor_dash.selectors.participant_grid import participant_grid
from mentor_dash.services.bulk_assignment import bulk_assignment_apply, bulk_assignment_preview
from mentor_dash.services.unit_of_work import run_read, run_write
from tests.factories import actor_by_email
from tests.integration.grid_reference import participant_table, reference_grid

NOW = utcnow()


@pytest.fixture
def demo(demo_engine: Engine) -> Iterator[Engine]:
    summary_cache.clear()
    with override_engine(demo_engine):
        yield demo_engine


def grid_total(actor: Actor, query: GridQuery) -> int:
    return run_read(participant_grid, actor=actor, scope=GridScope.MANAGER, query=query, now=NOW).total


def test_each_figure_equals_the_rows_its_link_opens_in_the_grid(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")

    summary = run_read(coachless_summary, actor=manager, now=NOW)

    assert summary.coachless_enrollments > 0 and summary.without_mentor > 0 and summary.expiring > 0
    for program in summary.programs:
        query = grid_query_from(grid_filters_from_url({"coachless": "1", "program": str(program.program_id)}))
        assert grid_total(manager, query) == program.coachless, program.program
    assert (
        grid_total(manager, grid_query_from(grid_filters_from_url({"mentor": "none"})))
        == summary.without_mentor
    )
    assert (
        grid_total(manager, grid_query_from(grid_filters_from_url({"subscription": "expiring"})))
        == summary.expiring
    )
    assert grid_total(manager, GridQuery()) == summary.participants


def test_the_figures_equal_an_independent_pandas_computation(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    table = participant_table(demo, NOW)
    with demo.connect() as connection:
        enrollments = pd.read_sql_query(
            "SELECT e.program_id, e.coachless_since FROM enrollment e WHERE e.status = 'active' "
            f"AND e.coach_id IS NULL AND e.organization_id = {manager.organization_id}",
            connection,
        )
    enrollments["coachless_since"] = pd.to_datetime(enrollments.coachless_since, utc=True, format="mixed")
    expected = enrollments.groupby("program_id").coachless_since.agg(["count", "min"])

    summary = run_read(coachless_summary, actor=manager, now=NOW)

    for program in summary.programs:
        assert program.coachless == int(expected["count"].get(program.program_id, 0))
        if program.coachless:
            assert pd.Timestamp(program.oldest_since) == expected["min"][program.program_id]
    reference = reference_grid(
        table,
        scope=GridScope.MANAGER,
        actor_id=manager.user_id,
        organization_id=manager.organization_id,
        query=GridQuery(no_mentor=True),
        now=NOW,
    )
    assert summary.without_mentor == reference.participants
    expiring = reference_grid(
        table,
        scope=GridScope.MANAGER,
        actor_id=manager.user_id,
        organization_id=manager.organization_id,
        query=GridQuery(subscription=SubscriptionStatus.EXPIRING),
        now=NOW,
    )
    assert summary.expiring == expiring.participants


def test_programs_are_listed_oldest_waiting_first(demo: Engine) -> None:
    summary = run_read(coachless_summary, actor=actor_by_email(demo, "manager@example.com"), now=NOW)

    waiting = [p.oldest_since for p in summary.programs if p.oldest_since is not None]
    assert waiting == sorted(waiting)
    assert all(p.oldest_since is None for p in summary.programs[len(waiting) :])


def test_a_manager_sees_only_their_own_organisations_programs(demo: Engine) -> None:
    demo_summary = run_read(coachless_summary, actor=actor_by_email(demo, "manager@example.com"), now=NOW)
    other = run_read(coachless_summary, actor=actor_by_email(demo, "manager@northwind.example.com"), now=NOW)

    assert not {p.program_id for p in demo_summary.programs} & {p.program_id for p in other.programs}
    assert other.participants < demo_summary.participants


def test_assigning_every_coachless_enrollment_of_a_program_brings_its_figure_to_zero(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    before = run_read(coachless_summary, actor=manager, now=NOW)
    program = before.programs[0]
    coach = run_read(program_coach_candidates, actor=manager, program_id=program.program_id)[0]
    selection = bulk_selection_from({"coachless_only": True, "program_id": program.program_id}, [], True)
    preview = run_read(
        bulk_assignment_preview,
        actor=manager,
        selection=selection,
        program_id=program.program_id,
        coach_id=coach.coach_id,
    )
    run_write(
        bulk_assignment_apply,
        actor=manager,
        selection=selection,
        program_id=program.program_id,
        coach_id=coach.coach_id,
        expected_digest=preview.digest,
    )

    after = run_read(coachless_summary, actor=manager, now=NOW)

    assert preview.changes == program.coachless
    changed = {p.program_id: p.coachless for p in after.programs}
    assert changed[program.program_id] == 0
    assert after.coachless_enrollments == before.coachless_enrollments - program.coachless


@pytest.mark.parametrize("email", ["participant@example.com", "coach@example.com", "mentor@example.com"])
def test_nobody_but_a_manager_gets_the_summary(demo: Engine, email: str) -> None:
    with pytest.raises(NotAllowed):
        run_read(coachless_summary, actor=actor_by_email(demo, email), now=NOW)


def test_nobody_signed_in_gets_no_summary(demo: Engine) -> None:
    with pytest.raises(NotSignedIn):
        run_read(coachless_summary, actor=None, now=NOW)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"coachless": "1", "program": "3"}, GridQuery(coachless_only=True, program_id=3)),
        ({"subscription": "expiring"}, GridQuery(subscription=SubscriptionStatus.EXPIRING)),
        ({"mentor": "none"}, GridQuery(no_mentor=True)),
        ({"coach": "12", "unknown": "x"}, GridQuery(coach_id=12)),
    ],
)
def test_grid_links_turn_into_the_matching_filter(params: dict[str, str], expected: GridQuery) -> None:
    assert grid_query_from(grid_filters_from_url(params)) == expected


@pytest.mark.parametrize(
    "params", [{"program": "-3"}, {"program": "abc"}, {"subscription": "soon"}, {"coach": "0x10"}]
)
def test_grid_links_with_bad_values_are_refused(params: dict[str, str]) -> None:
    with pytest.raises((NotAllowed, ValidationFailed)):
        grid_query_from(grid_filters_from_url(params))
