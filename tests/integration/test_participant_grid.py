"""The participant grids against an independent pandas computation, and their scoping."""

import random

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from mentor_dash.domain.errors import NotAllowed, NotSignedIn
from mentor_dash.domain.grid import ExamFilter, GridQuery, GridScope, SortKey
from mentor_dash.domain.statuses import SubscriptionStatus
from mentor_dash.models import Mentorship, User
from mentor_dash.models._types import utcnow
from mentor_dash.reports.grid_export import grid_frame
from mentor_dash.selectors.participant_grid import participant_grid, participant_grid_export
from mentor_dash.services.unit_of_work import run_read
from tests.factories import actor_by_email
from tests.integration.grid_reference import participant_table, reference_grid

NOW = utcnow()


def sample_queries(seed: int, program_ids: list[int], coach_ids: list[int]) -> list[GridQuery]:
    rng = random.Random(seed)
    queries = [
        GridQuery(),
        GridQuery(sort=SortKey.XP, descending=True),
        GridQuery(coachless_only=True),
        GridQuery(no_mentor=True),
        GridQuery(no_mentor=True, coachless_only=True, sort=SortKey.EXPIRY),
    ]
    queries += [GridQuery(coachless_only=True, program_id=program) for program in program_ids]
    for _ in range(22):
        queries.append(
            GridQuery(
                search=rng.choice(["", "", "an", "de", "@", "ma", "zz-nobody"]),
                program_id=rng.choice([None, None, *program_ids]),
                coach_id=rng.choice([None, None, None, *coach_ids]),
                coachless_only=rng.random() < 0.25,
                subscription=rng.choice([None, None, *SubscriptionStatus]),
                exam=rng.choice([None, None, *ExamFilter]),
                archived=rng.random() < 0.15,
                no_mentor=rng.random() < 0.2,
                sort=rng.choice(list(SortKey)),
                descending=rng.random() < 0.5,
                page=rng.choice([1, 1, 2, 3]),
                page_size=rng.choice([25, 50, 100]),
            )
        )
    return queries


@pytest.mark.parametrize(
    ("email", "scope"), [("mentor@example.com", GridScope.MENTOR), ("manager@example.com", GridScope.MANAGER)]
)
def test_grid_pages_and_totals_equal_an_independent_pandas_computation(
    demo: Engine, email: str, scope: GridScope
) -> None:
    actor = actor_by_email(demo, email)
    table = participant_table(demo, NOW)
    org_rows = table[table.organization_id == actor.organization_id]
    programs = sorted({p for programs in org_rows.active_programs for p in programs})
    coaches = sorted({c for coaches in org_rows.active_coaches for c in coaches})[:6]

    for query in sample_queries(hash(email) % 1000, programs, coaches):
        page = run_read(participant_grid, actor=actor, scope=scope, query=query, now=NOW)
        expected = reference_grid(
            table,
            scope=scope,
            actor_id=actor.user_id,
            organization_id=actor.organization_id,
            query=query,
            now=NOW,
        )
        assert [row.participant_id for row in page.rows] == expected.ids, query
        assert (
            page.totals.participants,
            page.totals.coachless_enrollments,
            page.totals.coachless_participants,
            page.totals.expiring,
            page.totals.expired,
        ) == (
            expected.participants,
            expected.coachless,
            expected.coachless_people,
            expected.expiring,
            expected.expired,
        ), query
        for row in page.rows:
            reference_row = expected.frame.loc[row.participant_id]
            assert row.xp_earned == reference_row.xp
            assert row.xp_available == reference_row.available
            assert row.exams_passed == reference_row.passed
            assert row.exam_warning == bool(reference_row.optional_failed or reference_row.optional_overdue)


def test_a_mentor_sees_exactly_their_own_active_mentor_participants(demo: Engine) -> None:
    mentor = actor_by_email(demo, "mentor@example.com")
    with Session(demo) as session:
        own = set(
            session.exec(
                select(Mentorship.participant_id).where(
                    Mentorship.mentor_id == mentor.user_id,
                    Mentorship.ended_at.is_(None),
                    Mentorship.mentor_archived.is_(False),
                )
            ).all()
        )
    rows = run_read(participant_grid_export, actor=mentor, scope=GridScope.MENTOR, query=GridQuery(), now=NOW)

    assert {row.participant_id for row in rows} == own
    assert 40 <= len(own) <= 80


def test_a_manager_sees_only_their_own_organisation(demo: Engine) -> None:
    demo_manager = actor_by_email(demo, "manager@example.com")
    other_manager = actor_by_email(demo, "manager@northwind.example.com")

    demo_rows = run_read(
        participant_grid_export, actor=demo_manager, scope=GridScope.MANAGER, query=GridQuery(), now=NOW
    )
    other_rows = run_read(
        participant_grid_export, actor=other_manager, scope=GridScope.MANAGER, query=GridQuery(), now=NOW
    )

    assert demo_rows and other_rows
    assert not {r.participant_id for r in demo_rows} & {r.participant_id for r in other_rows}
    with Session(demo) as session:
        orgs = {session.get(User, r.participant_id).organization_id for r in demo_rows}  # type: ignore[union-attr]
    assert orgs == {demo_manager.organization_id}


@pytest.mark.parametrize("email", ["participant@example.com", "coach@example.com"])
def test_participants_and_coaches_who_manage_nothing_cannot_open_the_manager_grid(
    demo: Engine, email: str
) -> None:
    with pytest.raises(NotAllowed):
        run_read(
            participant_grid,
            actor=actor_by_email(demo, email),
            scope=GridScope.MANAGER,
            query=GridQuery(),
            now=NOW,
        )


def test_a_participant_cannot_open_the_mentor_grid(demo: Engine) -> None:
    with pytest.raises(NotAllowed):
        run_read(
            participant_grid,
            actor=actor_by_email(demo, "participant@example.com"),
            scope=GridScope.MENTOR,
            query=GridQuery(),
            now=NOW,
        )


def test_nobody_signed_in_gets_nothing(demo: Engine) -> None:
    with pytest.raises(NotSignedIn):
        run_read(participant_grid, actor=None, scope=GridScope.MANAGER, query=GridQuery(), now=NOW)


def test_the_export_holds_every_matching_row_not_just_one_page(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    query = GridQuery(coachless_only=True, page_size=25)

    page = run_read(participant_grid, actor=manager, scope=GridScope.MANAGER, query=query, now=NOW)
    rows = run_read(participant_grid_export, actor=manager, scope=GridScope.MANAGER, query=query, now=NOW)
    frame = grid_frame(rows, include_mentor=True)

    assert page.total > 25
    assert len(frame) == page.total
    assert (frame.coachless_programs > 0).all()
    assert list(frame.columns)[-1] == "mentor"


def test_search_treats_wildcards_as_plain_text(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")

    page = run_read(
        participant_grid, actor=manager, scope=GridScope.MANAGER, query=GridQuery(search="%"), now=NOW
    )

    assert page.total == 0
