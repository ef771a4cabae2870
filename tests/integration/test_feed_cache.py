"""Grid pages shared between viewers until the change feed moves, and never across scopes."""

from sqlalchemy import Engine
from sqlmodel import Session, select

from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import DomainError
from mentor_dash.domain.grid import ExamFilter, GridQuery, GridScope
from mentor_dash.models import CoachRegistration, Enrollment, Organization, Submission, SubmissionStatus, User
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.feed_cache import FeedCache, feed_position
from mentor_dash.selectors.participant_grid import participant_grid
from mentor_dash.services.account import account_rename
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.coaching import eligible_coach, enrollment_change_coach
from mentor_dash.services.progress import submission_grade
from mentor_dash.services.unit_of_work import run_read, run_write
from tests import factories
from tests.databases import recorded_statements
from tests.factories import actor_by_email

NOW = utcnow()


def page_queries(statements: list[str]) -> int:
    """Statements that read grid rows (the row query selects the mentor's name)."""
    return sum("mentor_user" in statement for statement in statements)


def second_manager(engine: Engine) -> Actor:
    with Session(engine) as session:
        first = session.exec(select(User).where(User.email == "manager@example.com")).one()
        org = session.get(Organization, first.organization_id)
        assert org is not None
        return actor_from_user(factories.manager(session, org))


def test_a_second_manager_of_the_organisation_gets_the_same_page_without_querying_rows(demo: Engine) -> None:
    first = actor_by_email(demo, "manager@example.com")
    second = second_manager(demo)
    query = GridQuery(search="an")
    with recorded_statements(demo) as first_statements:
        shown = run_read(participant_grid, actor=first, scope=GridScope.MANAGER, query=query, now=NOW)
    with recorded_statements(demo) as statements:
        again = run_read(participant_grid, actor=second, scope=GridScope.MANAGER, query=query, now=NOW)
    assert again.rows == shown.rows and again.totals == shown.totals
    assert page_queries(first_statements) == 1
    assert page_queries(statements) == 0


def test_a_write_moves_the_feed_and_every_viewer_sees_it(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    participant = actor_by_email(demo, "participant@example.com")
    query = GridQuery(search="participant@example.com")
    before = run_read(participant_grid, actor=manager, scope=GridScope.MANAGER, query=query, now=NOW)
    assert [row.name for row in before.rows] != ["Renamed Through The Service"]
    run_write(account_rename, actor=participant, name="Renamed Through The Service")
    after = run_read(participant_grid, actor=manager, scope=GridScope.MANAGER, query=query, now=NOW)
    assert [row.name for row in after.rows] == ["Renamed Through The Service"]


def test_two_mentors_with_the_same_filters_never_share_a_page(demo: Engine) -> None:
    mentor = actor_by_email(demo, "mentor@example.com")
    other_mentor = actor_by_email(demo, "coach@example.com")
    mine = run_read(participant_grid, actor=mentor, scope=GridScope.MENTOR, query=GridQuery(), now=NOW)
    theirs = run_read(
        participant_grid, actor=other_mentor, scope=GridScope.MENTOR, query=GridQuery(), now=NOW
    )
    assert mine.rows, "the demo mentor has mentor participants"
    assert {row.participant_id for row in mine.rows}.isdisjoint({row.participant_id for row in theirs.rows})


def test_an_entry_older_than_its_lifetime_is_computed_again(demo: Engine) -> None:
    cache = FeedCache(ttl=0.0)
    computed: list[int] = []
    with Session(demo) as session:
        for _ in range(2):
            cache.get_or_compute(
                feed_position(session, 1, NOW), "k", lambda: computed.append(1) or len(computed)
            )
    assert computed == [1, 1]


def test_within_its_lifetime_an_entry_is_computed_once(demo: Engine) -> None:
    cache = FeedCache()
    computed: list[int] = []
    with Session(demo) as session:
        values = [
            cache.get_or_compute(
                feed_position(session, 1, NOW), "k", lambda: computed.append(1) or len(computed)
            )
            for _ in range(3)
        ]
    assert computed == [1] and values == [1, 1, 1]


def grade_some_waiting_work(engine: Engine) -> int:
    """Pass one waiting submission through the service, as its coach; returns the participant."""
    with Session(engine) as session:
        submission_id, participant_id, coach_id = session.execute(
            select(Submission.id, Enrollment.participant_id, Enrollment.coach_id)
            .join(Enrollment, Enrollment.id == Submission.enrollment_id)
            .where(
                Submission.status == SubmissionStatus.WAITING,
                Enrollment.coach_id.is_not(None),  # type: ignore[union-attr]
                Enrollment.status == "active",
            )
            .order_by(Submission.id)
        ).first()
        coach = actor_from_user(session.get(User, coach_id))
    run_write(submission_grade, actor=coach, submission_id=submission_id, passed=True, score=80)
    return participant_id


def totals_queries(statements: list[str]) -> int:
    return sum("sum(" in statement.lower() for statement in statements)


def test_grading_leaves_the_counts_of_people_cached_but_refreshes_the_rows(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    before = run_read(participant_grid, actor=manager, scope=GridScope.MANAGER, query=GridQuery(), now=NOW)

    grade_some_waiting_work(demo)

    with recorded_statements(demo) as statements:
        after = run_read(participant_grid, actor=manager, scope=GridScope.MANAGER, query=GridQuery(), now=NOW)
    assert totals_queries(statements) == 0
    assert page_queries(statements) == 1
    assert after.totals == before.totals


def test_grading_recounts_a_grid_filtered_by_exam_status(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    query = GridQuery(exam=ExamFilter.PASSED)
    run_read(participant_grid, actor=manager, scope=GridScope.MANAGER, query=query, now=NOW)

    grade_some_waiting_work(demo)

    with recorded_statements(demo) as statements:
        run_read(participant_grid, actor=manager, scope=GridScope.MANAGER, query=query, now=NOW)
    assert totals_queries(statements) == 1


def test_a_coach_change_recounts_the_people_without_a_coach(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    before = run_read(participant_grid, actor=manager, scope=GridScope.MANAGER, query=GridQuery(), now=NOW)
    with Session(demo) as session:
        enrollment = session.exec(
            select(Enrollment)
            .where(
                Enrollment.organization_id == manager.organization_id,
                Enrollment.coach_id.is_(None),  # type: ignore[union-attr]
                Enrollment.status == "active",
            )
            .order_by(Enrollment.id)
        ).first()
        assert enrollment is not None
        coaches = session.exec(
            select(CoachRegistration.coach_id).where(CoachRegistration.program_id == enrollment.program_id)
        ).all()
        candidates = [
            coach_id
            for coach_id in coaches
            if _eligible(session, manager.organization_id, enrollment.program_id, coach_id)
        ]
    run_write(
        enrollment_change_coach,
        actor=manager,
        enrollment_id=enrollment.id,
        coach_id=candidates[0],
        expected_version=enrollment.version,
    )

    after = run_read(participant_grid, actor=manager, scope=GridScope.MANAGER, query=GridQuery(), now=NOW)
    assert after.totals.coachless_enrollments == before.totals.coachless_enrollments - 1


def _eligible(session: Session, organization_id: int, program_id: int, coach_id: int) -> bool:
    try:
        eligible_coach(session, organization_id=organization_id, program_id=program_id, coach_id=coach_id)
    except DomainError:
        return False
    return True
