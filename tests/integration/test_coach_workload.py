"""The coach workload table against an independent pandas computation, its chart and its scoping."""

import pandas as pd
import pytest
from sqlalchemy import Engine

from mentor_dash.domain.errors import NotAllowed, NotSignedIn
from mentor_dash.domain.grid import AvailabilityFilter, WorkloadQuery, WorkloadSort, workload_query_from
from mentor_dash.reports.workload import load_chart, workload_frame
from mentor_dash.selectors.coach_workload import coach_workload, coach_workload_export
from mentor_dash.services.coach_availability import coach_set_availability
from mentor_dash.services.unit_of_work import run_read, run_write
from tests.factories import actor_by_email


def reference(engine: Engine, organization_id: int) -> pd.DataFrame:
    """Each coach's figures straight from the tables, without the selector's SQL."""
    with engine.connect() as connection:
        coaches = pd.read_sql_query(
            f"SELECT id, name FROM app_user WHERE is_coach AND organization_id = {organization_id}",
            connection,
        )
        enrollments = pd.read_sql_query(
            "SELECT id, coach_id, program_id FROM enrollment WHERE status = 'active'", connection
        )
        submissions = pd.read_sql_query(
            "SELECT enrollment_id FROM submission WHERE status = 'waiting'", connection
        )
        mentorships = pd.read_sql_query("SELECT mentor_id FROM mentorship WHERE ended_at IS NULL", connection)
        profiles = pd.read_sql_query("SELECT user_id, availability FROM coach_profile", connection)
    table = coaches.set_index("id")
    table["load"] = enrollments.groupby("coach_id").size().reindex(table.index).fillna(0).astype(int)
    waiting = (
        submissions.merge(enrollments, left_on="enrollment_id", right_on="id").groupby("coach_id").size()
    )
    table["waiting"] = waiting.reindex(table.index).fillna(0).astype(int)
    table["mentees"] = mentorships.groupby("mentor_id").size().reindex(table.index).fillna(0).astype(int)
    table["available"] = (
        profiles.set_index("user_id").availability.reindex(table.index).fillna("available") != "unavailable"
    )
    return table


@pytest.mark.parametrize("sort", list(WorkloadSort))
def test_every_coach_and_their_figures_equal_an_independent_computation(
    demo: Engine, sort: WorkloadSort
) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    expected = reference(demo, manager.organization_id)

    rows = run_read(
        coach_workload_export,
        actor=manager,
        query=WorkloadQuery(sort=sort, descending=sort != WorkloadSort.NAME),
    )

    assert {r.coach_id for r in rows} == set(expected.index)
    for row in rows:
        coach = expected.loc[row.coach_id]
        assert (row.active_enrollments, row.waiting_submissions, row.mentor_participants, row.available) == (
            coach.load,
            coach.waiting,
            coach.mentees,
            coach.available,
        ), row.name
        assert sum(cell.active for cell in row.programs) == row.active_enrollments
    column = {
        WorkloadSort.LOAD: "active_enrollments",
        WorkloadSort.WAITING: "waiting_submissions",
        WorkloadSort.MENTEES: "mentor_participants",
        WorkloadSort.NAME: "name",
    }[sort]
    values = [getattr(r, column) for r in rows]
    assert values == sorted(values, reverse=sort != WorkloadSort.NAME)


def test_pages_split_the_coaches_without_gaps_or_repeats(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    first = run_read(coach_workload, actor=manager, query=WorkloadQuery(page_size=25))
    seen = [r.coach_id for r in first.rows]
    for page in range(2, first.page_count + 1):
        seen += [
            r.coach_id for r in run_read(coach_workload, actor=manager, query=WorkloadQuery(page=page)).rows
        ]

    assert len(seen) == len(set(seen)) == first.coaches


def test_filters_by_program_availability_and_search(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    everyone = run_read(coach_workload_export, actor=manager, query=WorkloadQuery())
    first_program = everyone[0].programs[0]

    in_program = run_read(
        coach_workload_export, actor=manager, query=WorkloadQuery(program_id=first_program.program_id)
    )
    away = run_read(
        coach_workload, actor=manager, query=WorkloadQuery(availability=AvailabilityFilter.UNAVAILABLE)
    )
    found = run_read(coach_workload, actor=manager, query=WorkloadQuery(search=everyone[3].name.upper()))

    assert in_program and all(
        {c.program_id for c in r.programs} <= {first_program.program_id} for r in in_program
    )
    assert away.coaches == away.unavailable == 3 and all(not r.available for r in away.rows)
    assert everyone[3].coach_id in {r.coach_id for r in found.rows}


def test_marking_a_coach_unavailable_shows_in_the_table(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    coach = actor_by_email(demo, "coach@example.com")

    run_write(coach_set_availability, actor=manager, coach_id=coach.user_id, available=False)
    rows = run_read(coach_workload, actor=manager, query=WorkloadQuery(search="coach@example.com")).rows

    assert [(r.coach_id, r.available) for r in rows] == [(coach.user_id, False)]


def test_the_chart_has_one_stacked_series_per_program(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    page = run_read(coach_workload, actor=manager, query=WorkloadQuery())

    data, series = load_chart(page.rows)

    assert [d["coach"] for d in data] == [r.name for r in page.rows]
    keys = [s["key"] for s in series]
    for point, row in zip(data, page.rows, strict=True):
        assert sum(int(point.get(key, 0)) for key in keys) == row.active_enrollments  # type: ignore[call-overload]
    assert len(workload_frame(page.rows)) == len(page.rows)


def test_a_manager_sees_only_the_coaches_of_their_own_organisation(demo: Engine) -> None:
    demo_rows = run_read(
        coach_workload_export, actor=actor_by_email(demo, "manager@example.com"), query=WorkloadQuery()
    )
    other_rows = run_read(
        coach_workload_export,
        actor=actor_by_email(demo, "manager@northwind.example.com"),
        query=WorkloadQuery(),
    )

    assert demo_rows and other_rows
    assert not {r.coach_id for r in demo_rows} & {r.coach_id for r in other_rows}


@pytest.mark.parametrize("email", ["participant@example.com", "coach@example.com", "mentor@example.com"])
def test_nobody_but_a_manager_sees_the_workload(demo: Engine, email: str) -> None:
    with pytest.raises(NotAllowed):
        run_read(coach_workload, actor=actor_by_email(demo, email), query=WorkloadQuery())


def test_a_program_of_another_organisation_is_refused(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    northwind = actor_by_email(demo, "manager@northwind.example.com")
    foreign_program = run_read(coach_workload_export, actor=northwind, query=WorkloadQuery())[0].programs[0]

    with pytest.raises(NotAllowed):
        run_read(coach_workload, actor=manager, query=WorkloadQuery(program_id=foreign_program.program_id))


def test_nobody_signed_in_sees_no_workload(demo: Engine) -> None:
    with pytest.raises(NotSignedIn):
        run_read(coach_workload, actor=None, query=WorkloadQuery())


@pytest.mark.parametrize(
    "raw", [{"sort": "salary"}, {"page_size": 1000}, {"availability": "maybe"}, {"descending": "yes"}]
)
def test_workload_queries_the_browser_made_up_are_refused(raw: dict) -> None:
    from mentor_dash.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        workload_query_from(raw)
