"""Grading assignments and the exam life cycle, with the XP they award exactly once.

Every transition is a status-guarded UPDATE (`... WHERE status = 'waiting'`), so a double
click, a replayed event or two coaches at once change a row at most once; the XP ledger's
unique source columns make a second award impossible even then.

XP that lifts a participant to the program's exam threshold makes the program's exams
eligible in the same transaction, so "eligible" never lags behind the XP bar.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import Conflict, NotAllowed, ValidationFailed
from mentor_dash.domain.statuses import MAX_GRADE, MIN_GRADE, exam_passed, exam_threshold_xp
from mentor_dash.domain.validation import as_choice, as_id, as_int, as_text
from mentor_dash.models import (
    Assignment,
    Enrollment,
    EnrollmentStatus,
    Exam,
    ExamAttempt,
    ExamOutcome,
    ExamStatus,
    LearningProgram,
    Module,
    Submission,
    SubmissionStatus,
    XpEvent,
)
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.coach_workspace import program_xp_totals
from mentor_dash.selectors.guard import TargetKind, authorize
from mentor_dash.services.audit import audit_record
from mentor_dash.services.stats import stats_refresh

MAX_FEEDBACK = 5000
MIN_SCORE, MAX_SCORE = 0, 100
# A score is a percentage; 60 and above is a pass (as the demo data grades).
PASS_SCORE = 60
DEFAULT_EXAM_DAYS = 14
MIN_EXAM_DAYS, MAX_EXAM_DAYS = 1, 120
OUTCOMES = tuple(o.value for o in ExamOutcome)

NOT_WAITING = "This submission is no longer waiting for grading: it was graded meanwhile."
NOT_RELEASABLE = "This exam cannot be released: it is already released, submitted or assessed."
NOT_SUBMITTED = "This exam has not been submitted, so it cannot be evaluated."
NO_RESIT = "Only a failed exam can get a resit."
SCORE_RANGE = f"The score must be a whole number from {MIN_SCORE} to {MAX_SCORE}."
GRADE_RANGE = f"The grade must be a whole number from {MIN_GRADE} to {MAX_GRADE}."
CHOOSE_RESULT = "Choose pass or fail, or give a score."
SCORE_IS_A_FAIL = f"A score below {PASS_SCORE} is a fail: choose fail, or raise the score."
SCORE_IS_A_PASS = f"A score of {PASS_SCORE} or more is a pass: choose pass, or lower the score."
CHOOSE_OUTCOME = "Give either an outcome (fail, pass, good) or a number grade."
BAD_OUTCOME = "The outcome must be fail, pass or good."
DUE_RANGE = f"The exam must be due in {MIN_EXAM_DAYS} to {MAX_EXAM_DAYS} days."
INACTIVE = "This enrollment is no longer active."
NOT_LATEST = "A newer attempt of this exam exists: work on that one."


def _award_xp(
    session: Session,
    *,
    enrollment: Enrollment,
    amount: int,
    reason: str,
    now: datetime,
    submission_id: int | None = None,
    exam_attempt_id: int | None = None,
) -> int:
    """Add to the ledger and the enrollment's cached XP; returns how many exams became eligible."""
    session.add(
        XpEvent(
            organization_id=enrollment.organization_id,
            participant_id=enrollment.participant_id,
            enrollment_id=enrollment.id,
            amount=amount,
            reason=reason[:200],
            submission_id=submission_id,
            exam_attempt_id=exam_attempt_id,
            created_at=now,
        )
    )
    # The unique source columns refuse a second award here, before anything else is written.
    session.flush()
    session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id)
        .values(xp_earned=Enrollment.xp_earned + amount, last_activity_at=now)
        .execution_options(synchronize_session=False)
    )
    return _open_exams_at_threshold(session, enrollment=enrollment, gained=amount, now=now)


def _open_exams_at_threshold(session: Session, *, enrollment: Enrollment, gained: int, now: datetime) -> int:
    """At the program's exam threshold its exams become eligible; returns how many did.

    Crossing the threshold opens every exam of the program that has no verdict yet (exams of
    modules not started get their first attempt). Above it, an attempt still waiting for the
    threshold is opened too; exams the participant never started are left to the coach then.
    """
    assert enrollment.id is not None
    earned = session.execute(select(Enrollment.xp_earned).where(Enrollment.id == enrollment.id)).scalar_one()
    program = session.get(LearningProgram, enrollment.program_id)
    total = program_xp_totals(session, [enrollment.program_id]).get(enrollment.program_id, 0)
    if program is None or total <= 0:
        return 0
    threshold = exam_threshold_xp(total, program.exam_threshold_pct)
    if earned < threshold:
        return 0
    opened = session.execute(
        update(ExamAttempt)
        .where(ExamAttempt.enrollment_id == enrollment.id, ExamAttempt.status == ExamStatus.NOT_ELIGIBLE)
        .values(status=ExamStatus.ELIGIBLE, eligible_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if earned - gained >= threshold:
        return opened
    exam_ids = session.execute(
        select(Exam.id).join(Module, Module.id == Exam.module_id).where(Module.program_id == program.id)
    ).scalars()
    tried = set(
        session.execute(
            select(ExamAttempt.exam_id).where(ExamAttempt.enrollment_id == enrollment.id)
        ).scalars()
    )
    for exam_id in exam_ids:
        if exam_id not in tried:
            session.add(
                ExamAttempt(
                    organization_id=enrollment.organization_id,
                    enrollment_id=enrollment.id,
                    exam_id=exam_id,
                    attempt_no=1,
                    status=ExamStatus.ELIGIBLE,
                    eligible_at=now,
                )
            )
            opened += 1
    session.flush()
    return opened


def _active_enrollment(session: Session, enrollment_id: int) -> Enrollment:
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotAllowed()
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationFailed(INACTIVE)
    return enrollment


def _optional_int(value: Any, *, low: int, high: int, message: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return as_int(value, low=low, high=high)
    except ValidationFailed as error:
        raise ValidationFailed(message) from error


def _grading_result(passed: Any, score: Any) -> tuple[bool, int | None]:
    """Pass or fail, from the choice, from the score, or from both when they agree."""
    score = _optional_int(score, low=MIN_SCORE, high=MAX_SCORE, message=SCORE_RANGE)
    if passed is None:
        if score is None:
            raise ValidationFailed(CHOOSE_RESULT)
        return score >= PASS_SCORE, score
    if not isinstance(passed, bool):
        raise ValidationFailed(CHOOSE_RESULT)
    if score is not None and passed and score < PASS_SCORE:
        raise ValidationFailed(SCORE_IS_A_FAIL)
    if score is not None and not passed and score >= PASS_SCORE:
        raise ValidationFailed(SCORE_IS_A_PASS)
    return passed, score


def submission_grade(
    *,
    session: Session,
    actor: Actor | None,
    submission_id: int,
    passed: bool | None = None,
    score: int | None = None,
    feedback: str = "",
    now: datetime | None = None,
) -> Submission:
    """Pass or fail a waiting submission (or give a score); passing awards the assignment's XP once."""
    now = now or utcnow()
    submission = session.get(Submission, as_id(submission_id))
    if submission is None:
        raise NotAllowed(
            action=Action.GRADE_ASSIGNMENT.value, target_type="submission", target_id=submission_id
        )
    authorize(session, actor, Action.GRADE_ASSIGNMENT, TargetKind.ENROLLMENT, submission.enrollment_id)
    assert actor is not None
    passed, score = _grading_result(passed, score)
    feedback = as_text(feedback, limit=MAX_FEEDBACK)
    enrollment = _active_enrollment(session, submission.enrollment_id)
    assignment = session.get(Assignment, submission.assignment_id)
    assert assignment is not None
    # XP counts an assignment once, even if it was (wrongly) handed in again after a pass.
    passed_before = session.exec(
        select(Submission.id).where(
            Submission.enrollment_id == submission.enrollment_id,
            Submission.assignment_id == submission.assignment_id,
            Submission.status == SubmissionStatus.PASSED,
            Submission.id != submission.id,
        )
    ).first()
    xp = assignment.xp if passed and passed_before is None else 0
    changed = session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.status == SubmissionStatus.WAITING)
        .values(
            status=SubmissionStatus.PASSED if passed else SubmissionStatus.FAILED,
            score=score,
            feedback=feedback,
            graded_by_id=actor.user_id,
            graded_at=now,
            xp_awarded=xp,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise Conflict(NOT_WAITING)
    opened = 0
    if xp:
        opened = _award_xp(
            session,
            enrollment=enrollment,
            amount=xp,
            reason=f"Assignment passed: {assignment.title}",
            now=now,
            submission_id=submission.id,
        )
    audit_record(
        session,
        actor=actor,
        action=audit_actions.SUBMISSION_GRADED,
        target_type="submission",
        target_id=submission.id,
        participant_id=enrollment.participant_id,
        before={"status": SubmissionStatus.WAITING.value},
        after={
            "passed": passed,
            "score": score,
            "xp": xp,
            "assignment": assignment.title,
            **({"exams_eligible": opened} if opened else {}),
        },
        at=now,
    )
    stats_refresh(session, [enrollment.participant_id])
    session.refresh(submission)
    return submission


def _attempt_for(session: Session, attempt_id: int, action: Action, actor: Actor | None) -> ExamAttempt:
    attempt = session.get(ExamAttempt, as_id(attempt_id))
    if attempt is None:
        raise NotAllowed(action=action.value, target_type="exam_attempt", target_id=attempt_id)
    authorize(session, actor, action, TargetKind.ENROLLMENT, attempt.enrollment_id)
    return attempt


def _latest_attempt(session: Session, enrollment_id: int, exam_id: int) -> ExamAttempt | None:
    return session.exec(
        select(ExamAttempt)
        .where(ExamAttempt.enrollment_id == enrollment_id, ExamAttempt.exam_id == exam_id)
        .order_by(ExamAttempt.attempt_no.desc())  # type: ignore[attr-defined]
    ).first()


def _due_days(value: Any) -> int:
    try:
        return as_int(value, low=MIN_EXAM_DAYS, high=MAX_EXAM_DAYS)
    except ValidationFailed as error:
        raise ValidationFailed(DUE_RANGE) from error


def _record_release(
    session: Session,
    *,
    actor: Actor,
    attempt: ExamAttempt,
    enrollment: Enrollment,
    before: str,
    now: datetime,
) -> None:
    exam = session.get(Exam, attempt.exam_id)
    audit_record(
        session,
        actor=actor,
        action=audit_actions.EXAM_RELEASED,
        target_type="exam_attempt",
        target_id=attempt.id,
        participant_id=enrollment.participant_id,
        before={"status": before},
        after={
            "status": ExamStatus.RELEASED.value,
            "exam": exam.title if exam else None,
            "attempt_no": attempt.attempt_no,
            "early": before == ExamStatus.NOT_ELIGIBLE.value,
        },
        at=now,
    )
    stats_refresh(session, [enrollment.participant_id])


def exam_release(
    *,
    session: Session,
    actor: Actor | None,
    attempt_id: int,
    due_in_days: int = DEFAULT_EXAM_DAYS,
    now: datetime | None = None,
) -> ExamAttempt:
    """Make an exam available to the participant (eligible, or earlier when the coach decides)."""
    now = now or utcnow()
    attempt = _attempt_for(session, attempt_id, Action.RELEASE_EXAM, actor)
    assert actor is not None
    due_in_days = _due_days(due_in_days)
    enrollment = _active_enrollment(session, attempt.enrollment_id)
    latest = _latest_attempt(session, attempt.enrollment_id, attempt.exam_id)
    if latest is not None and latest.id != attempt.id:
        raise ValidationFailed(NOT_LATEST)
    before = attempt.status
    changed = session.execute(
        update(ExamAttempt)
        .where(
            ExamAttempt.id == attempt.id,
            ExamAttempt.status.in_([ExamStatus.NOT_ELIGIBLE, ExamStatus.ELIGIBLE]),  # type: ignore[attr-defined]
        )
        .values(
            status=ExamStatus.RELEASED,
            released_at=now,
            released_by_id=actor.user_id,
            due_at=now + timedelta(days=due_in_days),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise Conflict(NOT_RELEASABLE)
    _record_release(session, actor=actor, attempt=attempt, enrollment=enrollment, before=before, now=now)
    session.refresh(attempt)
    return attempt


def exam_release_for_enrollment(
    *,
    session: Session,
    actor: Actor | None,
    enrollment_id: int,
    exam_id: int,
    due_in_days: int = DEFAULT_EXAM_DAYS,
    now: datetime | None = None,
) -> ExamAttempt:
    """Release one exam of an enrollment's program, also before any attempt of it exists."""
    now = now or utcnow()
    enrollment_id = as_id(enrollment_id)
    authorize(session, actor, Action.RELEASE_EXAM, TargetKind.ENROLLMENT, enrollment_id)
    assert actor is not None
    enrollment = _active_enrollment(session, enrollment_id)
    exam = session.get(Exam, as_id(exam_id))
    module = session.get(Module, exam.module_id) if exam else None
    if exam is None or module is None or module.program_id != enrollment.program_id:
        raise NotAllowed(action=Action.RELEASE_EXAM.value, target_type="exam", target_id=exam_id)
    latest = _latest_attempt(session, enrollment_id, exam.id)  # type: ignore[arg-type]
    if latest is not None:
        return exam_release(
            session=session,
            actor=actor,
            attempt_id=latest.id,
            due_in_days=due_in_days,
            now=now,  # type: ignore[arg-type]
        )
    due_in_days = _due_days(due_in_days)
    # The unique (enrollment, exam, attempt_no) makes a concurrent second release fail cleanly.
    attempt = ExamAttempt(
        organization_id=enrollment.organization_id,
        enrollment_id=enrollment_id,
        exam_id=exam.id,  # type: ignore[arg-type]
        attempt_no=1,
        status=ExamStatus.RELEASED,
        released_at=now,
        released_by_id=actor.user_id,
        due_at=now + timedelta(days=due_in_days),
    )
    session.add(attempt)
    session.flush()
    _record_release(
        session,
        actor=actor,
        attempt=attempt,
        enrollment=enrollment,
        before=ExamStatus.NOT_ELIGIBLE.value,
        now=now,
    )
    return attempt


def _evaluation(outcome: Any, grade: Any) -> tuple[str | None, int | None]:
    if outcome == "":
        outcome = None
    grade = _optional_int(grade, low=MIN_GRADE, high=MAX_GRADE, message=GRADE_RANGE)
    if (outcome is None) == (grade is None):
        raise ValidationFailed(CHOOSE_OUTCOME)
    if outcome is not None:
        try:
            outcome = as_choice(outcome, OUTCOMES)
        except ValidationFailed as error:
            raise ValidationFailed(BAD_OUTCOME) from error
    return outcome, grade


def exam_evaluate(
    *,
    session: Session,
    actor: Actor | None,
    attempt_id: int,
    outcome: str | None = None,
    grade: int | None = None,
    feedback: str = "",
    now: datetime | None = None,
) -> ExamAttempt:
    """Assess a submitted exam as fail / pass / good, or with a number grade; passing awards XP once."""
    now = now or utcnow()
    attempt = _attempt_for(session, attempt_id, Action.EVALUATE_EXAM, actor)
    assert actor is not None
    outcome, grade = _evaluation(outcome, grade)
    feedback = as_text(feedback, limit=MAX_FEEDBACK)
    enrollment = _active_enrollment(session, attempt.enrollment_id)
    changed = session.execute(
        update(ExamAttempt)
        .where(ExamAttempt.id == attempt.id, ExamAttempt.status == ExamStatus.SUBMITTED)
        .values(
            status=ExamStatus.ASSESSED,
            outcome=outcome,
            grade=grade,
            feedback=feedback,
            assessed_at=now,
            assessed_by_id=actor.user_id,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise Conflict(NOT_SUBMITTED)
    passed = exam_passed(outcome, grade)
    exam = session.get(Exam, attempt.exam_id)
    assert exam is not None
    opened = 0
    if passed and exam.xp:
        opened = _award_xp(
            session,
            enrollment=enrollment,
            amount=exam.xp,
            reason=f"Exam passed: {exam.title}",
            now=now,
            exam_attempt_id=attempt.id,
        )
    audit_record(
        session,
        actor=actor,
        action=audit_actions.EXAM_EVALUATED,
        target_type="exam_attempt",
        target_id=attempt.id,
        participant_id=enrollment.participant_id,
        before={"status": ExamStatus.SUBMITTED.value},
        after={
            "outcome": outcome,
            "grade": grade,
            "passed": passed,
            "xp": exam.xp if passed else 0,
            "exam": exam.title,
            **({"exams_eligible": opened} if opened else {}),
        },
        at=now,
    )
    stats_refresh(session, [enrollment.participant_id])
    session.refresh(attempt)
    return attempt


def exam_grant_resit(
    *,
    session: Session,
    actor: Actor | None,
    attempt_id: int,
    due_in_days: int = DEFAULT_EXAM_DAYS,
    now: datetime | None = None,
) -> ExamAttempt:
    """A failed exam gets a new, released attempt; the failed one stays as it was."""
    now = now or utcnow()
    attempt = _attempt_for(session, attempt_id, Action.EVALUATE_EXAM, actor)
    assert actor is not None
    due_in_days = _due_days(due_in_days)
    enrollment = _active_enrollment(session, attempt.enrollment_id)
    latest = _latest_attempt(session, attempt.enrollment_id, attempt.exam_id)
    if (
        latest is None
        or latest.id != attempt.id
        or attempt.status != ExamStatus.ASSESSED
        or exam_passed(attempt.outcome, attempt.grade)
    ):
        raise ValidationFailed(NO_RESIT)
    resit = ExamAttempt(
        organization_id=attempt.organization_id,
        enrollment_id=attempt.enrollment_id,
        exam_id=attempt.exam_id,
        attempt_no=attempt.attempt_no + 1,
        status=ExamStatus.RELEASED,
        released_at=now,
        released_by_id=actor.user_id,
        due_at=now + timedelta(days=due_in_days),
        eligible_at=now,
    )
    session.add(resit)
    # Two resits at once collide on (enrollment, exam, attempt_no): the second is a Conflict.
    session.flush()
    exam = session.get(Exam, attempt.exam_id)
    audit_record(
        session,
        actor=actor,
        action=audit_actions.EXAM_RESIT_GRANTED,
        target_type="exam_attempt",
        target_id=resit.id,
        participant_id=enrollment.participant_id,
        before={"attempt_no": attempt.attempt_no, "status": attempt.status},
        after={
            "attempt_no": resit.attempt_no,
            "status": ExamStatus.RELEASED.value,
            "exam": exam.title if exam else None,
        },
        at=now,
    )
    stats_refresh(session, [enrollment.participant_id])
    return resit
