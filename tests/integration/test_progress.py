"""Grading, exam release, evaluation and resits: each action, each refusal and XP awarded exactly once."""

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from mentor_dash.db import override_engine
from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from mentor_dash.models import (
    Assignment,
    AuditEvent,
    AuditOutcome,
    Enrollment,
    Exam,
    ExamAttempt,
    ExamStatus,
    LearningProgram,
    Module,
    Organization,
    ParticipantStats,
    Submission,
    SubmissionStatus,
    User,
    XpEvent,
)
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.feed import feed_latest_id, feed_step
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.hand_in import exam_submit, submission_hand_in
from mentor_dash.services.progress import (
    NOT_RELEASABLE,
    NOT_SUBMITTED,
    NOT_WAITING,
    exam_evaluate,
    exam_grant_resit,
    exam_release,
    exam_release_for_enrollment,
    submission_grade,
)
from mentor_dash.services.unit_of_work import run_read, run_write
from tests import factories


def build_program(
    session: Session, org: Organization, *, name: str, modules: int = 3, threshold_pct: int = 50
) -> LearningProgram:
    """Modules of two 10-XP assignments and a 5-XP exam each; 3 modules offer 75 XP."""
    program = LearningProgram(organization_id=org.id, name=name, exam_threshold_pct=threshold_pct)
    session.add(program)
    session.flush()
    for position in range(1, modules + 1):
        module = Module(
            program_id=program.id, position=position, title=f"{name} module {position}", is_optional=False
        )
        session.add(module)
        session.flush()
        for number in (1, 2):
            session.add(
                Assignment(module_id=module.id, position=number, title=f"Task {position}.{number}", xp=10)
            )
        session.add(Exam(module_id=module.id, title=f"Exam {position}", xp=5))
    session.flush()
    return program


@dataclass
class CoachWorld:
    """Carla coaches Lena in Web (threshold 50% of 75 XP = 38 XP); Otto coaches Olaf there."""

    engine: Engine
    org_id: int
    coach: User
    other_coach: User
    unregistered_coach: User
    mentor: User
    manager: User
    foreign_manager: User
    foreign_coach: User
    learner: User
    other_learner: User
    program_id: int
    second_program_id: int
    enrollment_id: int  # Lena in Web, coached by Carla
    other_enrollment_id: int  # Olaf in Web, coached by Otto
    second_enrollment_id: int  # Lena in Data, coached by Otto
    assignment_ids: list[int]  # Web, in module order
    exam_ids: list[int]  # Web, in module order
    second_exam_id: int  # an exam of Data
    first_attempt_id: int  # Lena's attempt at Web exam 1: not eligible yet
    other_attempt_id: int  # Olaf's attempt at Web exam 1: submitted


def build_coach_world(session: Session, engine: Engine) -> CoachWorld:
    org, other_org = factories.organization(session), factories.organization(session)
    web = build_program(session, org, name="Web")
    data = build_program(session, org, name="Data", modules=2)
    coach = factories.coach(session, org, name="Carla Coach")
    other_coach = factories.coach(session, org, name="Otto Coach")
    unregistered = factories.coach(session, org, name="Una Unregistered")
    mentor = factories.coach(session, org, name="Mira Mentor")
    manager = factories.manager(session, org, name="Max Manager")
    foreign_manager = factories.manager(session, other_org, name="Fiona Foreign")
    foreign_coach = factories.coach(session, other_org, name="Frank Foreign")
    for who in (coach, other_coach):
        factories.register(session, who, web)
        factories.register(session, who, data)
    learner = factories.participant(session, org, name="Lena Learner", email="lena@test.example")
    other_learner = factories.participant(session, org, name="Olaf Other", email="olaf@test.example")
    enrollment = factories.enrollment(session, learner, web, coach, primary=True)
    other_enrollment = factories.enrollment(session, other_learner, web, other_coach, primary=True)
    second = factories.enrollment(session, learner, data, other_coach)
    factories.mentorship(session, learner, mentor)
    factories.mentorship(session, other_learner, mentor)
    factories.subscription(session, learner)
    assignment_ids = list(
        session.exec(
            select(Assignment.id)
            .join(Module, Module.id == Assignment.module_id)
            .where(Module.program_id == web.id)
            .order_by(Module.position, Assignment.position)
        ).all()
    )
    exam_ids = list(
        session.exec(
            select(Exam.id)
            .join(Module, Module.id == Exam.module_id)
            .where(Module.program_id == web.id)
            .order_by(Module.position)
        ).all()
    )
    second_exam_id = session.exec(
        select(Exam.id).join(Module, Module.id == Exam.module_id).where(Module.program_id == data.id)
    ).first()
    first_attempt = ExamAttempt(
        organization_id=org.id,
        enrollment_id=enrollment.id,
        exam_id=exam_ids[0],
        status=ExamStatus.NOT_ELIGIBLE,
    )
    other_attempt = ExamAttempt(
        organization_id=org.id,
        enrollment_id=other_enrollment.id,
        exam_id=exam_ids[0],
        status=ExamStatus.SUBMITTED,
        released_at=utcnow() - timedelta(days=3),
        submitted_at=utcnow() - timedelta(days=1),
        answer="Olaf's exam answer",
    )
    session.add(first_attempt)
    session.add(other_attempt)
    session.commit()
    return CoachWorld(
        engine=engine,
        org_id=org.id,  # type: ignore[arg-type]
        coach=coach,
        other_coach=other_coach,
        unregistered_coach=unregistered,
        mentor=mentor,
        manager=manager,
        foreign_manager=foreign_manager,
        foreign_coach=foreign_coach,
        learner=learner,
        other_learner=other_learner,
        program_id=web.id,  # type: ignore[arg-type]
        second_program_id=data.id,  # type: ignore[arg-type]
        enrollment_id=enrollment.id,  # type: ignore[arg-type]
        other_enrollment_id=other_enrollment.id,  # type: ignore[arg-type]
        second_enrollment_id=second.id,  # type: ignore[arg-type]
        assignment_ids=assignment_ids,  # type: ignore[arg-type]
        exam_ids=exam_ids,  # type: ignore[arg-type]
        second_exam_id=second_exam_id,  # type: ignore[arg-type]
        first_attempt_id=first_attempt.id,  # type: ignore[arg-type]
        other_attempt_id=other_attempt.id,  # type: ignore[arg-type]
    )


@pytest.fixture
def world(engine: Engine) -> Iterator[CoachWorld]:
    with Session(engine, expire_on_commit=False) as session, override_engine(engine):
        yield build_coach_world(session, engine)


# Who may not do coach work on Lena's Web enrollment, and why.
OUTSIDERS = [
    "other_coach",
    "unregistered_coach",
    "mentor",
    "manager",
    "foreign_manager",
    "foreign_coach",
    "learner",
]


def actor(user: User) -> Actor:
    return actor_from_user(user)


def hand_in(w: CoachWorld, assignment_index: int, content: str = "https://github.com/lena/work") -> int:
    submission = run_write(
        submission_hand_in,
        actor=actor(w.learner),
        enrollment_id=w.enrollment_id,
        assignment_id=w.assignment_ids[assignment_index],
        content=content,
    )
    return submission.id  # type: ignore[no-any-return]


def grade(w: CoachWorld, submission_id: int, who: User | None = None, **values: Any) -> Submission:
    values.setdefault("passed", True)
    return run_write(submission_grade, actor=actor(who or w.coach), submission_id=submission_id, **values)


def xp_events(w: CoachWorld) -> list[XpEvent]:
    with Session(w.engine) as session:
        return list(session.exec(select(XpEvent).order_by(XpEvent.id)).all())


def enrollment_xp(w: CoachWorld, enrollment_id: int | None = None) -> int:
    with Session(w.engine) as session:
        enrollment = session.get(Enrollment, enrollment_id or w.enrollment_id)
        assert enrollment is not None
        return enrollment.xp_earned


def stats(w: CoachWorld) -> ParticipantStats:
    with Session(w.engine) as session:
        found = session.get(ParticipantStats, w.learner.id)
        assert found is not None
        return found


def attempts(w: CoachWorld, enrollment_id: int | None = None) -> dict[int, list[ExamAttempt]]:
    """Attempts per exam id, oldest first."""
    found: dict[int, list[ExamAttempt]] = {}
    with Session(w.engine) as session:
        for attempt in session.exec(
            select(ExamAttempt)
            .where(ExamAttempt.enrollment_id == (enrollment_id or w.enrollment_id))
            .order_by(ExamAttempt.attempt_no)
        ).all():
            found.setdefault(attempt.exam_id, []).append(attempt)
    return found


def attempt(w: CoachWorld, attempt_id: int) -> ExamAttempt:
    with Session(w.engine) as session:
        found = session.get(ExamAttempt, attempt_id)
        assert found is not None
        return found


def ok_events(w: CoachWorld, action: str) -> list[AuditEvent]:
    with Session(w.engine) as session:
        return list(
            session.exec(
                select(AuditEvent).where(AuditEvent.action == action, AuditEvent.outcome == AuditOutcome.OK)
            ).all()
        )


def denied_count(w: CoachWorld) -> int:
    with Session(w.engine) as session:
        return session.exec(select(func.count()).where(AuditEvent.outcome == AuditOutcome.DENIED)).one()


def submitted_attempt(w: CoachWorld, exam_index: int = 0) -> int:
    """Release one of Lena's Web exams and let her submit it; returns the attempt id."""
    released = run_write(
        exam_release_for_enrollment,
        actor=actor(w.coach),
        enrollment_id=w.enrollment_id,
        exam_id=w.exam_ids[exam_index],
    )
    run_write(exam_submit, actor=actor(w.learner), attempt_id=released.id, answer="My exam answer, in full.")
    return released.id  # type: ignore[no-any-return]


def at_once(*calls: Callable[[], object]) -> list[str]:
    """Run the calls in threads released together; each outcome is "ok" or the error's class name."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            call()
            outcome = "ok"
        except DomainError as error:
            outcome = type(error).__name__
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


# Grading assignments


def test_passing_a_waiting_submission_awards_its_xp_once_with_feedback_and_an_audit_event(
    world: CoachWorld,
) -> None:
    submission_id = hand_in(world, 0)

    graded = grade(world, submission_id, score=80, feedback="Neat and tested.")

    assert (graded.status, graded.score, graded.feedback, graded.xp_awarded) == (
        SubmissionStatus.PASSED,
        80,
        "Neat and tested.",
        10,
    )
    assert graded.graded_by_id == world.coach.id and graded.graded_at is not None
    [event] = xp_events(world)
    assert (event.amount, event.submission_id, event.participant_id) == (10, submission_id, world.learner.id)
    assert enrollment_xp(world) == 10
    assert stats(world).xp_earned == 10
    [audit] = ok_events(world, audit_actions.SUBMISSION_GRADED)
    assert (audit.actor_id, audit.participant_id, audit.organization_id) == (
        world.coach.id,
        world.learner.id,
        world.org_id,
    )
    assert json.loads(audit.after)["xp"] == 10


def test_handing_in_and_grading_read_as_progress_in_the_change_feed(world: CoachWorld) -> None:
    cursor = run_read(feed_latest_id, organization_id=world.org_id)

    grade(world, hand_in(world, 0))

    step = run_read(feed_step, organization_id=world.org_id, after_id=cursor)
    assert step.progress_only
    assert set(step.participants) == {world.learner.id}


def test_failing_a_submission_records_the_feedback_and_awards_no_xp(world: CoachWorld) -> None:
    submission_id = hand_in(world, 0)

    graded = grade(world, submission_id, passed=False, score=35, feedback="Add tests, please.")

    assert (graded.status, graded.xp_awarded, graded.feedback) == (
        SubmissionStatus.FAILED,
        0,
        "Add tests, please.",
    )
    assert xp_events(world) == []
    assert enrollment_xp(world) == 0


@pytest.mark.parametrize(("score", "status"), [(60, SubmissionStatus.PASSED), (59, SubmissionStatus.FAILED)])
def test_a_score_alone_decides_pass_or_fail(world: CoachWorld, score: int, status: str) -> None:
    submission_id = hand_in(world, 0)

    graded = grade(world, submission_id, passed=None, score=score)

    assert graded.status == status


def test_grading_a_submission_twice_is_refused_and_awards_nothing_more(world: CoachWorld) -> None:
    submission_id = hand_in(world, 0)
    grade(world, submission_id)

    with pytest.raises(Conflict, match="no longer waiting"):
        grade(world, submission_id, passed=False, feedback="Changed my mind")

    assert NOT_WAITING.startswith("This submission")
    assert len(xp_events(world)) == 1
    assert enrollment_xp(world) == 10
    assert len(ok_events(world, audit_actions.SUBMISSION_GRADED)) == 1


def test_two_gradings_of_one_submission_at_once_award_its_xp_exactly_once(world: CoachWorld) -> None:
    submission_id = hand_in(world, 0)

    outcomes = at_once(
        lambda: grade(world, submission_id, score=90),
        lambda: grade(world, submission_id, score=70),
    )

    assert outcomes == ["Conflict", "ok"]
    assert [e.amount for e in xp_events(world)] == [10]
    assert enrollment_xp(world) == 10
    assert stats(world).xp_earned == 10
    assert len(ok_events(world, audit_actions.SUBMISSION_GRADED)) == 1


def test_gradings_of_two_submissions_at_once_both_count(world: CoachWorld) -> None:
    first, second = hand_in(world, 0), hand_in(world, 1)

    outcomes = at_once(lambda: grade(world, first), lambda: grade(world, second))

    assert outcomes == ["ok", "ok"]
    assert enrollment_xp(world) == 20
    assert stats(world).xp_earned == 20


def test_an_assignment_passed_before_gives_no_second_xp_when_passed_again(world: CoachWorld) -> None:
    grade(world, hand_in(world, 0))
    # Handing in passed work is refused now, but older data (or a race with it) may hold a second one.
    with Session(world.engine) as session:
        again = Submission(
            organization_id=world.org_id,
            enrollment_id=world.enrollment_id,
            assignment_id=world.assignment_ids[0],
            content="Handed in once more, after the pass",
        )
        session.add(again)
        session.commit()
        again_id = again.id

    graded = grade(world, again_id)  # type: ignore[arg-type]

    assert (graded.status, graded.xp_awarded) == (SubmissionStatus.PASSED, 0)
    assert enrollment_xp(world) == 10
    assert len(xp_events(world)) == 1


@pytest.mark.parametrize("score", [-1, 101, "80", 5.5, True, [80]])
def test_a_score_out_of_range_is_refused_and_changes_nothing(world: CoachWorld, score: object) -> None:
    submission_id = hand_in(world, 0)

    with pytest.raises(ValidationFailed, match="score"):
        grade(world, submission_id, score=score)

    with Session(world.engine) as session:
        assert session.get(Submission, submission_id).status == SubmissionStatus.WAITING  # type: ignore[union-attr]
    assert xp_events(world) == []


@pytest.mark.parametrize(
    ("passed", "score", "message"),
    [
        (True, 40, "below 60 is a fail"),
        (False, 75, "is a pass"),
        (None, None, "Choose pass or fail"),
        ("yes", None, "Choose"),
    ],
)
def test_a_verdict_that_is_missing_or_contradicts_the_score_is_refused(
    world: CoachWorld, passed: object, score: object, message: str
) -> None:
    submission_id = hand_in(world, 0)

    with pytest.raises(ValidationFailed, match=message):
        grade(world, submission_id, passed=passed, score=score)

    assert xp_events(world) == []


def test_feedback_longer_than_the_limit_is_refused(world: CoachWorld) -> None:
    submission_id = hand_in(world, 0)

    with pytest.raises(ValidationFailed, match="too long"):
        grade(world, submission_id, feedback="x" * 5001)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_the_enrollments_coach_may_grade_its_work(world: CoachWorld, who: str) -> None:
    submission_id = hand_in(world, 0)
    denied_before = denied_count(world)

    with pytest.raises(NotAllowed):
        grade(world, submission_id, who=getattr(world, who))

    with Session(world.engine) as session:
        assert session.get(Submission, submission_id).status == SubmissionStatus.WAITING  # type: ignore[union-attr]
    assert xp_events(world) == []
    assert ok_events(world, audit_actions.SUBMISSION_GRADED) == []
    assert denied_count(world) == denied_before + 1


@pytest.mark.parametrize("bad_id", [987_654, 0, -3, "1", True, None, [1]])
def test_a_missing_or_malformed_submission_id_is_refused_like_a_forbidden_one(
    world: CoachWorld, bad_id: object
) -> None:
    with pytest.raises(NotAllowed):
        run_write(submission_grade, actor=actor(world.coach), submission_id=bad_id, passed=True)


def test_reaching_the_exam_threshold_makes_every_exam_of_the_program_eligible(world: CoachWorld) -> None:
    # 38 XP is the threshold: three passed tasks (30 XP) stay below it, the fourth crosses it.
    for index in range(3):
        grade(world, hand_in(world, index))
    assert {a[-1].status for a in attempts(world).values()} == {ExamStatus.NOT_ELIGIBLE}
    assert len(attempts(world)) == 1

    grade(world, hand_in(world, 3))

    found = attempts(world)
    assert sorted(found) == sorted(world.exam_ids)
    assert all(rows[-1].status == ExamStatus.ELIGIBLE and rows[-1].eligible_at for rows in found.values())
    assert attempts(world, world.second_enrollment_id) == {}
    [last] = [e for e in ok_events(world, audit_actions.SUBMISSION_GRADED) if "exams_eligible" in e.after]
    assert json.loads(last.after)["exams_eligible"] == 3


def test_above_the_threshold_a_waiting_attempt_opens_but_unstarted_exams_are_left_to_the_coach(
    world: CoachWorld,
) -> None:
    with Session(world.engine) as session:
        session.get(Enrollment, world.enrollment_id).xp_earned = 40  # type: ignore[union-attr]
        session.commit()

    grade(world, hand_in(world, 0))

    found = attempts(world)
    assert list(found) == [world.exam_ids[0]]
    assert found[world.exam_ids[0]][-1].status == ExamStatus.ELIGIBLE


def test_passed_exams_keep_their_status_when_the_threshold_is_reached(world: CoachWorld) -> None:
    attempt_id = submitted_attempt(world, 1)
    run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, outcome="pass")
    for index in range(4):
        grade(world, hand_in(world, index))

    found = attempts(world)
    assert found[world.exam_ids[1]][-1].status == ExamStatus.ASSESSED
    assert found[world.exam_ids[0]][-1].status == ExamStatus.ELIGIBLE
    assert len(found[world.exam_ids[1]]) == 1


# Releasing exams


def test_releasing_an_eligible_exam_sets_a_due_date_and_shows_as_released(world: CoachWorld) -> None:
    for index in range(4):
        grade(world, hand_in(world, index))

    released = run_write(
        exam_release, actor=actor(world.coach), attempt_id=world.first_attempt_id, due_in_days=10
    )

    assert released.status == ExamStatus.RELEASED
    assert released.released_by_id == world.coach.id
    assert released.due_at is not None and released.released_at is not None
    assert released.due_at - released.released_at == timedelta(days=10)
    assert stats(world).exams_released == 1
    [event] = ok_events(world, audit_actions.EXAM_RELEASED)
    assert event.participant_id == world.learner.id
    assert json.loads(event.before)["status"] == ExamStatus.ELIGIBLE


def test_a_coach_may_release_an_exam_before_the_threshold(world: CoachWorld) -> None:
    early = run_write(exam_release, actor=actor(world.coach), attempt_id=world.first_attempt_id)
    fresh = run_write(
        exam_release_for_enrollment,
        actor=actor(world.coach),
        enrollment_id=world.enrollment_id,
        exam_id=world.exam_ids[2],
    )

    assert early.status == fresh.status == ExamStatus.RELEASED
    assert fresh.attempt_no == 1
    events = ok_events(world, audit_actions.EXAM_RELEASED)
    assert [json.loads(e.after)["early"] for e in events] == [True, True]


def test_releasing_an_exam_with_an_attempt_goes_through_that_attempt(world: CoachWorld) -> None:
    released = run_write(
        exam_release_for_enrollment,
        actor=actor(world.coach),
        enrollment_id=world.enrollment_id,
        exam_id=world.exam_ids[0],
    )

    assert released.id == world.first_attempt_id
    assert len(attempts(world)[world.exam_ids[0]]) == 1


def test_releasing_an_exam_twice_is_refused(world: CoachWorld) -> None:
    run_write(exam_release, actor=actor(world.coach), attempt_id=world.first_attempt_id)

    with pytest.raises(Conflict, match="already released"):
        run_write(exam_release, actor=actor(world.coach), attempt_id=world.first_attempt_id)
    with pytest.raises(Conflict):
        run_write(
            exam_release_for_enrollment,
            actor=actor(world.coach),
            enrollment_id=world.enrollment_id,
            exam_id=world.exam_ids[0],
        )

    assert NOT_RELEASABLE.startswith("This exam cannot")
    assert len(ok_events(world, audit_actions.EXAM_RELEASED)) == 1


def test_two_releases_of_a_new_exam_at_once_create_one_attempt(world: CoachWorld) -> None:
    def release() -> object:
        return run_write(
            exam_release_for_enrollment,
            actor=actor(world.coach),
            enrollment_id=world.enrollment_id,
            exam_id=world.exam_ids[2],
        )

    outcomes = at_once(release, release)

    assert outcomes == ["Conflict", "ok"]
    assert len(attempts(world)[world.exam_ids[2]]) == 1
    assert len(ok_events(world, audit_actions.EXAM_RELEASED)) == 1


def test_an_exam_of_another_program_cannot_be_released_on_this_enrollment(world: CoachWorld) -> None:
    with pytest.raises(NotAllowed):
        run_write(
            exam_release_for_enrollment,
            actor=actor(world.coach),
            enrollment_id=world.enrollment_id,
            exam_id=world.second_exam_id,
        )

    assert world.second_exam_id not in attempts(world)


@pytest.mark.parametrize("days", [0, 121, "14", None, 2.5])
def test_a_due_date_out_of_range_is_refused(world: CoachWorld, days: object) -> None:
    with pytest.raises(ValidationFailed, match="due in"):
        run_write(exam_release, actor=actor(world.coach), attempt_id=world.first_attempt_id, due_in_days=days)

    assert attempt(world, world.first_attempt_id).status == ExamStatus.NOT_ELIGIBLE


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_the_enrollments_coach_may_release_its_exams(world: CoachWorld, who: str) -> None:
    with pytest.raises(NotAllowed):
        run_write(exam_release, actor=actor(getattr(world, who)), attempt_id=world.first_attempt_id)
    with pytest.raises(NotAllowed):
        run_write(
            exam_release_for_enrollment,
            actor=actor(getattr(world, who)),
            enrollment_id=world.enrollment_id,
            exam_id=world.exam_ids[2],
        )

    assert attempt(world, world.first_attempt_id).status == ExamStatus.NOT_ELIGIBLE
    assert world.exam_ids[2] not in attempts(world)


# Evaluating exams


@pytest.mark.parametrize(
    ("values", "passed"),
    [
        ({"outcome": "pass"}, True),
        ({"outcome": "good"}, True),
        ({"outcome": "fail"}, False),
        ({"grade": 6}, True),
        ({"grade": 5}, False),
    ],
)
def test_evaluating_a_submitted_exam_awards_its_xp_only_when_passed(
    world: CoachWorld, values: dict[str, Any], passed: bool
) -> None:
    attempt_id = submitted_attempt(world)

    assessed = run_write(
        exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, feedback="See my notes.", **values
    )

    assert assessed.status == ExamStatus.ASSESSED
    assert (assessed.outcome, assessed.grade) == (values.get("outcome"), values.get("grade"))
    assert assessed.assessed_by_id == world.coach.id and assessed.feedback == "See my notes."
    assert enrollment_xp(world) == (5 if passed else 0)
    assert [e.exam_attempt_id for e in xp_events(world)] == ([attempt_id] if passed else [])
    figures = stats(world)
    assert (figures.exams_passed, figures.exams_failed) == ((1, 0) if passed else (0, 1))
    [event] = ok_events(world, audit_actions.EXAM_EVALUATED)
    assert event.participant_id == world.learner.id and json.loads(event.after)["passed"] is passed


def test_evaluating_an_exam_twice_is_refused_and_awards_nothing_more(world: CoachWorld) -> None:
    attempt_id = submitted_attempt(world)
    run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, outcome="pass")

    with pytest.raises(Conflict, match="not been submitted"):
        run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, outcome="good")

    assert NOT_SUBMITTED.startswith("This exam has not")
    assert attempt(world, attempt_id).outcome == "pass"
    assert enrollment_xp(world) == 5


def test_two_evaluations_of_one_exam_at_once_award_its_xp_exactly_once(world: CoachWorld) -> None:
    attempt_id = submitted_attempt(world)

    outcomes = at_once(
        lambda: run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, outcome="pass"),
        lambda: run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, grade=9),
    )

    assert outcomes == ["Conflict", "ok"]
    assert [e.amount for e in xp_events(world)] == [5]
    assert enrollment_xp(world) == 5


def test_evaluating_an_exam_that_was_not_submitted_is_refused(world: CoachWorld) -> None:
    run_write(exam_release, actor=actor(world.coach), attempt_id=world.first_attempt_id)

    with pytest.raises(Conflict, match="not been submitted"):
        run_write(exam_evaluate, actor=actor(world.coach), attempt_id=world.first_attempt_id, outcome="pass")

    assert attempt(world, world.first_attempt_id).status == ExamStatus.RELEASED


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "either an outcome"),
        ({"outcome": "pass", "grade": 7}, "either an outcome"),
        ({"outcome": "excellent"}, "fail, pass or good"),
        ({"outcome": ["pass"]}, "fail, pass or good"),
        ({"outcome": {"x": 1}}, "fail, pass or good"),
        ({"grade": 0}, "from 1 to 10"),
        ({"grade": 11}, "from 1 to 10"),
        ({"grade": "7"}, "from 1 to 10"),
        ({"grade": True}, "from 1 to 10"),
    ],
)
def test_a_bad_evaluation_is_refused_and_changes_nothing(
    world: CoachWorld, values: dict[str, Any], message: str
) -> None:
    attempt_id = submitted_attempt(world)

    with pytest.raises(ValidationFailed, match=message):
        run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, **values)

    assert attempt(world, attempt_id).status == ExamStatus.SUBMITTED
    assert xp_events(world) == []


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_the_enrollments_coach_may_evaluate_its_exams(world: CoachWorld, who: str) -> None:
    attempt_id = submitted_attempt(world)

    with pytest.raises(NotAllowed):
        run_write(exam_evaluate, actor=actor(getattr(world, who)), attempt_id=attempt_id, outcome="pass")

    assert attempt(world, attempt_id).status == ExamStatus.SUBMITTED


def test_a_coach_cannot_evaluate_the_exam_of_another_coachs_participant(world: CoachWorld) -> None:
    with pytest.raises(NotAllowed):
        run_write(exam_evaluate, actor=actor(world.coach), attempt_id=world.other_attempt_id, outcome="pass")

    assert attempt(world, world.other_attempt_id).status == ExamStatus.SUBMITTED


# Resits


def test_a_failed_exam_gets_a_resit_as_a_new_released_attempt(world: CoachWorld) -> None:
    attempt_id = submitted_attempt(world)
    run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, outcome="fail")

    resit = run_write(exam_grant_resit, actor=actor(world.coach), attempt_id=attempt_id, due_in_days=7)

    assert (resit.attempt_no, resit.status) == (2, ExamStatus.RELEASED)
    assert attempt(world, attempt_id).status == ExamStatus.ASSESSED
    figures = stats(world)
    assert (figures.exams_released, figures.exams_failed) == (1, 0)
    [event] = ok_events(world, audit_actions.EXAM_RESIT_GRANTED)
    assert event.target_id == resit.id and event.participant_id == world.learner.id

    run_write(exam_submit, actor=actor(world.learner), attempt_id=resit.id, answer="Second try, better.")
    run_write(exam_evaluate, actor=actor(world.coach), attempt_id=resit.id, outcome="good")
    assert enrollment_xp(world) == 5


def test_a_passed_exam_gets_no_resit(world: CoachWorld) -> None:
    attempt_id = submitted_attempt(world)
    run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, grade=8)

    with pytest.raises(ValidationFailed, match="Only a failed exam"):
        run_write(exam_grant_resit, actor=actor(world.coach), attempt_id=attempt_id)


def test_a_resit_is_granted_once_per_failed_attempt(world: CoachWorld) -> None:
    attempt_id = submitted_attempt(world)
    run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, outcome="fail")
    run_write(exam_grant_resit, actor=actor(world.coach), attempt_id=attempt_id)

    with pytest.raises(ValidationFailed, match="Only a failed exam"):
        run_write(exam_grant_resit, actor=actor(world.coach), attempt_id=attempt_id)

    assert len(attempts(world)[world.exam_ids[0]]) == 2


def test_two_resits_at_once_create_one_attempt(world: CoachWorld) -> None:
    attempt_id = submitted_attempt(world)
    run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, outcome="fail")

    outcomes = at_once(
        lambda: run_write(exam_grant_resit, actor=actor(world.coach), attempt_id=attempt_id),
        lambda: run_write(exam_grant_resit, actor=actor(world.coach), attempt_id=attempt_id),
    )

    assert outcomes[1] == "ok" and outcomes[0] in ("Conflict", "ValidationFailed")
    assert len(attempts(world)[world.exam_ids[0]]) == 2


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_the_enrollments_coach_may_grant_a_resit(world: CoachWorld, who: str) -> None:
    attempt_id = submitted_attempt(world)
    run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, outcome="fail")

    with pytest.raises(NotAllowed):
        run_write(exam_grant_resit, actor=actor(getattr(world, who)), attempt_id=attempt_id)

    assert len(attempts(world)[world.exam_ids[0]]) == 1
