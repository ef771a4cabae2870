"""Any input at all: a correct result or a clear refusal, never a crash and never a partial write."""

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from mentor_dash.db import override_engine
from mentor_dash.domain.errors import DomainError
from mentor_dash.domain.grid import GridScope, grid_query_from
from mentor_dash.models import AuditEvent, Enrollment, Submission, User
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.coach_candidates import coach_candidates
from mentor_dash.selectors.participant_grid import participant_grid
from mentor_dash.services.auth import actor_from_user, auth_sign_in
from mentor_dash.services.coaching import enrollment_change_coach
from mentor_dash.services.hand_in import submission_hand_in
from mentor_dash.services.unit_of_work import run_read, run_write

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
anything = st.one_of(
    st.text(max_size=300),
    st.text(min_size=5000, max_size=20000),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
ids = st.one_of(
    st.integers(min_value=-5, max_value=2**40), st.sampled_from([1, 2, 3, 5, 8, 13, 400, 600, 650])
)


@pytest.fixture
def demo(demo_engine: Engine) -> Iterator[Engine]:
    with override_engine(demo_engine):
        yield demo_engine


def actor_for(engine: Engine, email: str):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return actor_from_user(session.execute(select(User).where(User.email == email)).scalar_one())


def counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            session.execute(select(func.count()).select_from(Submission)).scalar_one(),
            session.execute(select(func.coalesce(func.sum(Enrollment.version), 0))).scalar_one(),
            session.execute(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == "ok")
            ).scalar_one(),
        )


@FUZZ
@given(email=st.one_of(st.text(max_size=400), st.emails()), password=st.text(max_size=2000))
def test_signing_in_with_anything_is_a_clean_refusal(demo: Engine, email: str, password: str) -> None:
    with Session(demo) as session:
        outcome = auth_sign_in(session=session, email=email, password=password)
        session.commit()

    assert not outcome.ok and outcome.message


@FUZZ
@given(
    raw=st.fixed_dictionaries(
        {},
        optional={
            "search": anything,
            "program_id": anything,
            "coach_id": anything,
            "coachless_only": anything,
            "subscription": anything,
            "exam": anything,
            "archived": anything,
            "sort": anything,
            "descending": anything,
            "page": anything,
            "page_size": anything,
        },
    )
)
def test_the_grid_answers_any_filter_with_a_page_or_a_refusal(demo: Engine, raw: dict) -> None:
    manager = actor_for(demo, "manager@example.com")
    try:
        query = grid_query_from(raw)
    except DomainError:
        return
    page = run_read(participant_grid, actor=manager, scope=GridScope.MANAGER, query=query, now=utcnow())

    assert len(page.rows) <= query.page_size
    assert page.total >= len(page.rows)


@FUZZ
@given(text=st.text(max_size=200))
def test_any_search_text_is_safe_for_the_grid_and_the_coach_picker(demo: Engine, text: str) -> None:
    mentor = actor_for(demo, "mentor@example.com")
    with Session(demo) as session:
        enrollment_id = (
            session.execute(select(Enrollment.id).where(Enrollment.coach_id.is_not(None))).scalars().first()
        )
    for call in (
        lambda: run_read(
            participant_grid,
            actor=mentor,
            scope=GridScope.MENTOR,
            query=grid_query_from({"search": text}),
            now=utcnow(),
        ),
        lambda: run_read(coach_candidates, actor=mentor, enrollment_id=enrollment_id, search=text),
    ):
        try:
            call()
        except DomainError as error:
            assert error.message


@FUZZ
@given(enrollment_id=st.one_of(ids, anything), assignment_id=st.one_of(ids, anything), content=anything)
def test_handing_in_anything_either_works_or_changes_nothing(
    demo: Engine, enrollment_id: object, assignment_id: object, content: object
) -> None:
    learner = actor_for(demo, "participant@example.com")
    before = counts(demo)
    try:
        run_write(
            submission_hand_in,
            actor=learner,
            enrollment_id=enrollment_id,
            assignment_id=assignment_id,
            content=content,
        )
    except DomainError as error:
        assert error.message
        assert counts(demo) == before
        return
    after = counts(demo)
    assert after[0] == before[0] + 1 and after[2] == before[2] + 1


@FUZZ
@given(
    enrollment_id=st.one_of(ids, anything),
    coach_id=st.one_of(ids, anything),
    version=st.one_of(ids, anything),
)
def test_changing_a_coach_with_any_ids_either_works_or_changes_nothing(
    demo: Engine, enrollment_id: object, coach_id: object, version: object
) -> None:
    manager = actor_for(demo, "manager@example.com")
    before = counts(demo)
    try:
        run_write(
            enrollment_change_coach,
            actor=manager,
            enrollment_id=enrollment_id,
            coach_id=coach_id,
            expected_version=version,
        )
    except DomainError as error:
        assert error.message
        assert counts(demo) == before
        return
    assert counts(demo)[2] == before[2] + 1
