"""What participants hand in: assignment answers and exam answers."""

from datetime import datetime
from urllib.parse import urlparse

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import Conflict, NotAllowed, ValidationFailed
from mentor_dash.domain.validation import as_id, as_text
from mentor_dash.models import (
    Assignment,
    Enrollment,
    EnrollmentStatus,
    ExamAttempt,
    ExamStatus,
    Module,
    Submission,
    SubmissionStatus,
)
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.guard import TargetKind, authorize
from mentor_dash.services.audit import audit_record
from mentor_dash.services.stats import stats_refresh

MAX_ANSWER = 10_000
MIN_ANSWER = 3
EMPTY_ANSWER = "Write an answer or paste a link (at least 3 characters)."
BAD_LINK = "That link does not look right: use a full http:// or https:// address."
ALREADY_WAITING = "You already handed this in; it is waiting for your coach."
ALREADY_PASSED = "You already passed this assignment; there is nothing more to hand in."
NOT_RELEASED = "This exam is not open for answers."


def _answer(text: object) -> str:
    answer = as_text(text, limit=MAX_ANSWER)
    if len(answer) < MIN_ANSWER:
        raise ValidationFailed(EMPTY_ANSWER)
    if answer.lower().startswith(("http:", "https:", "www.")) and " " not in answer:
        parsed = urlparse(answer if "://" in answer else f"https://{answer}")
        if parsed.scheme not in ("http", "https") or "." not in parsed.netloc:
            raise ValidationFailed(BAD_LINK)
    return answer


def submission_hand_in(
    *,
    session: Session,
    actor: Actor | None,
    enrollment_id: int,
    assignment_id: int,
    content: str,
    now: datetime | None = None,
) -> Submission:
    """Hand in an assignment of one's own enrollment; at most one submission waits per assignment."""
    now = now or utcnow()
    authorize(session, actor, Action.HAND_IN_WORK, TargetKind.ENROLLMENT, as_id(enrollment_id))
    enrollment = session.get(Enrollment, enrollment_id)
    assert enrollment is not None and actor is not None
    assignment = session.get(Assignment, as_id(assignment_id))
    module = session.get(Module, assignment.module_id) if assignment else None
    if assignment is None or module is None or module.program_id != enrollment.program_id:
        raise NotAllowed(action=Action.HAND_IN_WORK.value, target_type="assignment", target_id=assignment_id)
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationFailed("This enrollment is no longer active.")
    answer = _answer(content)
    earlier = set(
        session.exec(
            select(Submission.status).where(
                Submission.enrollment_id == enrollment.id, Submission.assignment_id == assignment.id
            )
        ).all()
    )
    if SubmissionStatus.PASSED in earlier:
        # A passed assignment already earned its XP; a second pass must not earn it again.
        raise Conflict(ALREADY_PASSED)
    if SubmissionStatus.WAITING in earlier:
        raise Conflict(ALREADY_WAITING)
    submission = Submission(
        organization_id=enrollment.organization_id,
        enrollment_id=enrollment.id,
        assignment_id=assignment.id,
        content=answer,
        submitted_at=now,
    )
    session.add(submission)
    try:
        session.flush()
    except IntegrityError as error:
        raise Conflict(ALREADY_WAITING) from error
    audit_record(
        session,
        actor=actor,
        action=audit_actions.SUBMISSION_HANDED_IN,
        target_type="submission",
        target_id=submission.id,
        participant_id=enrollment.participant_id,
        after={"assignment_id": assignment.id},
        at=now,
    )
    return submission


def exam_submit(
    *, session: Session, actor: Actor | None, attempt_id: int, answer: str, now: datetime | None = None
) -> ExamAttempt:
    """Submit a released exam, once."""
    now = now or utcnow()
    attempt = session.get(ExamAttempt, as_id(attempt_id))
    if attempt is None:
        raise NotAllowed(action=Action.HAND_IN_WORK.value, target_type="exam_attempt", target_id=attempt_id)
    authorize(session, actor, Action.HAND_IN_WORK, TargetKind.ENROLLMENT, attempt.enrollment_id)
    text = _answer(answer)
    changed = session.execute(
        update(ExamAttempt)
        .where(ExamAttempt.id == attempt.id, ExamAttempt.status == ExamStatus.RELEASED)
        .values(status=ExamStatus.SUBMITTED, answer=text, submitted_at=now)
    ).rowcount
    if changed != 1:
        raise Conflict(NOT_RELEASED)
    enrollment = session.get(Enrollment, attempt.enrollment_id)
    assert enrollment is not None
    audit_record(
        session,
        actor=actor,
        action=audit_actions.EXAM_SUBMITTED,
        target_type="exam_attempt",
        target_id=attempt.id,
        participant_id=enrollment.participant_id,
        after={"status": ExamStatus.SUBMITTED.value},
        at=now,
    )
    stats_refresh(session, [enrollment.participant_id])
    session.refresh(attempt)
    return attempt
