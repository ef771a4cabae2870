"""Grading assignments and the exam life cycle, with the XP they award exactly once.

Every transition is a status-guarded UPDATE (`... WHERE status = 'waiting'`), so a double
click, a replayed event or two coaches at once change a row at most once; the XP ledger's
unique source columns make a second award impossible even then.
"""

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import Conflict, NotAllowed, ValidationFailed
from mentor_dash.domain.statuses import MAX_GRADE, MIN_GRADE, exam_passed
from mentor_dash.domain.validation import as_id, as_text
from mentor_dash.models import (
    Assignment,
    Enrollment,
    EnrollmentStatus,
    Exam,
    ExamAttempt,
    ExamOutcome,
    ExamStatus,
    Submission,
    SubmissionStatus,
    XpEvent,
)
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.guard import TargetKind, authorize
from mentor_dash.services.audit import audit_record
from mentor_dash.services.stats import stats_refresh

MAX_FEEDBACK = 5000
MIN_SCORE, MAX_SCORE = 0, 100
DEFAULT_EXAM_DAYS = 14

NOT_WAITING = "This submission is no longer waiting for grading: it was graded meanwhile."
NOT_RELEASABLE = "This exam cannot be released: it is already released, submitted or assessed."
NOT_SUBMITTED = "This exam has not been submitted, so it cannot be evaluated."
NO_RESIT = "Only a failed exam can get a resit."
SCORE_RANGE = f"The score must be a whole number from {MIN_SCORE} to {MAX_SCORE}."
GRADE_RANGE = f"The grade must be a whole number from {MIN_GRADE} to {MAX_GRADE}."
INACTIVE = "This enrollment is no longer active."


def _award_xp(
    session: Session,
    *,
    enrollment: Enrollment,
    amount: int,
    reason: str,
    now: datetime,
    submission_id: int | None = None,
    exam_attempt_id: int | None = None,
) -> None:
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
    session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id)
        .values(xp_earned=Enrollment.xp_earned + amount, last_activity_at=now)
    )


def _active_enrollment(session: Session, enrollment_id: int) -> Enrollment:
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotAllowed()
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationFailed(INACTIVE)
    return enrollment


def submission_grade(
    *,
    session: Session,
    actor: Actor | None,
    submission_id: int,
    passed: bool,
    score: int | None = None,
    feedback: str = "",
    now: datetime | None = None,
) -> Submission:
    """Pass or fail a waiting submission; passing awards the assignment's XP once."""
    now = now or utcnow()
    submission = session.get(Submission, as_id(submission_id))
    if submission is None:
        raise NotAllowed(
            action=Action.GRADE_ASSIGNMENT.value, target_type="submission", target_id=submission_id
        )
    authorize(session, actor, Action.GRADE_ASSIGNMENT, TargetKind.ENROLLMENT, submission.enrollment_id)
    assert actor is not None
    if not isinstance(passed, bool):
        raise ValidationFailed("Choose pass or fail.")
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE
    ):
        raise ValidationFailed(SCORE_RANGE)
    feedback = as_text(feedback, limit=MAX_FEEDBACK)
    enrollment = _active_enrollment(session, submission.enrollment_id)
    assignment = session.get(Assignment, submission.assignment_id)
    assert assignment is not None
    xp = assignment.xp if passed else 0
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
    ).rowcount
    if changed != 1:
        raise Conflict(NOT_WAITING)
    if passed:
        _award_xp(
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
        after={"passed": passed, "score": score, "xp": xp},
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
    enrollment = _active_enrollment(session, attempt.enrollment_id)
    if isinstance(due_in_days, bool) or not isinstance(due_in_days, int) or not 1 <= due_in_days <= 120:
        raise ValidationFailed("The exam must be due in 1 to 120 days.")
    changed = session.execute(
        update(ExamAttempt)
        .where(
            ExamAttempt.id == attempt.id,
            ExamAttempt.status.in_([ExamStatus.NOT_ELIGIBLE, ExamStatus.ELIGIBLE]),
        )
        .values(
            status=ExamStatus.RELEASED,
            released_at=now,
            released_by_id=actor.user_id,
            due_at=now + timedelta(days=due_in_days),
        )
    ).rowcount
    if changed != 1:
        raise Conflict(NOT_RELEASABLE)
    audit_record(
        session,
        actor=actor,
        action=audit_actions.EXAM_RELEASED,
        target_type="exam_attempt",
        target_id=attempt.id,
        participant_id=enrollment.participant_id,
        before={"status": attempt.status},
        after={"status": ExamStatus.RELEASED.value},
        at=now,
    )
    stats_refresh(session, [enrollment.participant_id])
    session.refresh(attempt)
    return attempt


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
    if (outcome is None) == (grade is None):
        raise ValidationFailed("Give either an outcome (fail, pass, good) or a number grade.")
    if outcome is not None and outcome not in {o.value for o in ExamOutcome}:
        raise ValidationFailed("The outcome must be fail, pass or good.")
    if grade is not None and (
        isinstance(grade, bool) or not isinstance(grade, int) or not MIN_GRADE <= grade <= MAX_GRADE
    ):
        raise ValidationFailed(GRADE_RANGE)
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
    ).rowcount
    if changed != 1:
        raise Conflict(NOT_SUBMITTED)
    passed = exam_passed(outcome, grade)
    exam = session.get(Exam, attempt.exam_id)
    assert exam is not None
    if passed:
        _award_xp(
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
        after={"outcome": outcome, "grade": grade, "passed": passed},
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
    enrollment = _active_enrollment(session, attempt.enrollment_id)
    latest = session.exec(
        select(ExamAttempt)
        .where(ExamAttempt.enrollment_id == attempt.enrollment_id, ExamAttempt.exam_id == attempt.exam_id)
        .order_by(ExamAttempt.attempt_no.desc())  # type: ignore[attr-defined]
    ).first()
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
    session.flush()
    audit_record(
        session,
        actor=actor,
        action=audit_actions.EXAM_RESIT_GRANTED,
        target_type="exam_attempt",
        target_id=resit.id,
        participant_id=enrollment.participant_id,
        after={"attempt_no": resit.attempt_no},
        at=now,
    )
    stats_refresh(session, [enrollment.participant_id])
    return resit
