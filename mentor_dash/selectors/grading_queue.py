"""The coach's grading queue: work waiting for them, oldest first, in their own active enrollments."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor, own_account
from mentor_dash.domain.errors import Conflict, NotAllowed
from mentor_dash.domain.validation import as_choice, as_id, as_int
from mentor_dash.models import (
    Assignment,
    Enrollment,
    EnrollmentStatus,
    Exam,
    ExamAttempt,
    ExamStatus,
    LearningProgram,
    Module,
    Submission,
    SubmissionStatus,
    User,
)
from mentor_dash.selectors.guard import TargetKind, authorize, guard

QUEUE_PAGE_SIZES = (10, 25, 50)
MAX_PAGE = 100_000
PREVIEW_CHARS = 280
EXAM_LIMIT = 50

NOT_WAITING_ANY_MORE = "This submission is no longer waiting for grading."


@dataclass(frozen=True)
class QueueItem:
    submission_id: int
    enrollment_id: int
    participant_id: int
    participant: str
    program: str
    module: str
    assignment: str
    xp: int
    preview: str
    submitted_at: datetime


@dataclass(frozen=True)
class ExamQueueItem:
    attempt_id: int
    enrollment_id: int
    participant_id: int
    participant: str
    program: str
    exam: str
    xp: int
    attempt_no: int
    submitted_at: datetime | None


@dataclass(frozen=True)
class GradingQueue:
    submissions: list[QueueItem]
    submissions_total: int
    exams: list[ExamQueueItem]
    exams_total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.submissions_total // self.page_size))


@dataclass(frozen=True)
class SubmissionToGrade:
    submission_id: int
    enrollment_id: int
    participant: str
    program: str
    assignment: str
    xp: int
    content: str
    submitted_at: datetime


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def _own_active(actor: Actor):  # type: ignore[no-untyped-def]
    return (
        Enrollment.coach_id == actor.user_id,
        Enrollment.organization_id == actor.organization_id,
        Enrollment.status == EnrollmentStatus.ACTIVE,
    )


def grading_queue(
    *, session: Session, actor: Actor | None, page: int = 1, page_size: int = 25
) -> GradingQueue:
    """Waiting submissions (paged) and submitted exams (the oldest 50), oldest first."""
    guard(
        actor,
        Action.VIEW_COACH_WORKSPACE,
        own_account(actor) if actor else None,
        target_type="grading_queue",
        target_id=None,
    )
    assert actor is not None
    page = as_int(page, low=1, high=MAX_PAGE)
    page_size = as_choice(page_size, QUEUE_PAGE_SIZES)
    waiting = (
        select(Submission.id)
        .join(Enrollment, Enrollment.id == Submission.enrollment_id)
        .where(*_own_active(actor), Submission.status == SubmissionStatus.WAITING)
    )
    submissions_total = session.execute(
        waiting.with_only_columns(func.count(), maintain_column_froms=True)
    ).scalar_one()
    rows = session.execute(
        waiting.with_only_columns(
            Submission.id,
            Enrollment.id,
            Enrollment.participant_id,
            User.name,
            LearningProgram.name,
            Module.title,
            Assignment.title,
            Assignment.xp,
            func.substr(Submission.content, 1, PREVIEW_CHARS + 1),
            Submission.submitted_at,
            maintain_column_froms=True,
        )
        .join(User, User.id == Enrollment.participant_id)
        .join(LearningProgram, LearningProgram.id == Enrollment.program_id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .join(Module, Module.id == Assignment.module_id)
        .order_by(Submission.submitted_at, Submission.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    submitted = (
        select(ExamAttempt.id)
        .join(Enrollment, Enrollment.id == ExamAttempt.enrollment_id)
        .where(*_own_active(actor), ExamAttempt.status == ExamStatus.SUBMITTED)
    )
    exams_total = session.execute(
        submitted.with_only_columns(func.count(), maintain_column_froms=True)
    ).scalar_one()
    exam_rows = session.execute(
        submitted.with_only_columns(
            ExamAttempt.id,
            Enrollment.id,
            Enrollment.participant_id,
            User.name,
            LearningProgram.name,
            Exam.title,
            Exam.xp,
            ExamAttempt.attempt_no,
            ExamAttempt.submitted_at,
            maintain_column_froms=True,
        )
        .join(User, User.id == Enrollment.participant_id)
        .join(LearningProgram, LearningProgram.id == Enrollment.program_id)
        .join(Exam, Exam.id == ExamAttempt.exam_id)
        .order_by(ExamAttempt.submitted_at, ExamAttempt.id)
        .limit(EXAM_LIMIT)
    ).all()
    return GradingQueue(
        submissions=[
            QueueItem(sid, eid, pid, who, program, module, title, xp, _preview(text), at)
            for sid, eid, pid, who, program, module, title, xp, text, at in rows
        ],
        submissions_total=int(submissions_total),
        exams=[ExamQueueItem(*row) for row in exam_rows],
        exams_total=int(exams_total),
        page=page,
        page_size=page_size,
    )


def submission_to_grade(*, session: Session, actor: Actor | None, submission_id: int) -> SubmissionToGrade:
    """The whole submission, for the grading form; only its enrollment's coach may read it."""
    submission = session.get(Submission, as_id(submission_id))
    if submission is None:
        raise NotAllowed(
            action=Action.GRADE_ASSIGNMENT.value, target_type="submission", target_id=submission_id
        )
    authorize(session, actor, Action.GRADE_ASSIGNMENT, TargetKind.ENROLLMENT, submission.enrollment_id)
    if submission.status != SubmissionStatus.WAITING:
        raise Conflict(NOT_WAITING_ANY_MORE)
    enrollment = session.get(Enrollment, submission.enrollment_id)
    assignment = session.get(Assignment, submission.assignment_id)
    assert enrollment is not None and assignment is not None
    participant = session.get(User, enrollment.participant_id)
    program = session.get(LearningProgram, enrollment.program_id)
    assert participant is not None and program is not None
    return SubmissionToGrade(
        submission_id=submission.id,  # type: ignore[arg-type]
        enrollment_id=enrollment.id,  # type: ignore[arg-type]
        participant=participant.name,
        program=program.name,
        assignment=assignment.title,
        xp=assignment.xp,
        content=submission.content,
        submitted_at=submission.submitted_at,
    )
