"""A participant's own programs: coach, XP, modules in order with assignments and exams.

This is the participant's own work, so grades, scores and feedback are all shown; nobody else
reads through this selector.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.statuses import exam_passed, exam_threshold_xp
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
from mentor_dash.selectors.account import own_id
from mentor_dash.selectors.guard import TargetKind, authorize

OPEN = "open"  # an assignment with nothing handed in yet


@dataclass(frozen=True)
class AssignmentItem:
    assignment_id: int
    title: str
    xp: int
    status: str  # OPEN or a SubmissionStatus value (of the latest submission)
    submitted_at: datetime | None
    score: int | None
    feedback: str
    xp_awarded: int
    can_hand_in: bool


@dataclass(frozen=True)
class ExamItem:
    exam_id: int
    title: str
    xp: int
    attempt_id: int | None
    attempt_no: int
    status: str  # an ExamStatus value; NOT_ELIGIBLE when there is no attempt yet
    due_at: datetime | None
    outcome: str | None
    grade: int | None
    passed: bool | None  # None until assessed
    feedback: str
    can_submit: bool


@dataclass(frozen=True)
class ModuleItem:
    module_id: int
    position: int
    title: str
    is_optional: bool
    assignments: tuple[AssignmentItem, ...]
    exam: ExamItem | None


@dataclass(frozen=True)
class ProgramItem:
    enrollment_id: int
    program_id: int
    name: str
    status: str
    coach_name: str | None
    is_primary: bool
    xp_earned: int
    xp_total: int
    threshold_xp: int
    threshold_pct: int
    modules: tuple[ModuleItem, ...]


def _latest_submissions(session: Session, enrollment_ids: list[int]) -> dict[tuple[int, int], Submission]:
    latest: dict[tuple[int, int], Submission] = {}
    for submission in session.scalars(
        select(Submission)
        .where(Submission.enrollment_id.in_(enrollment_ids))  # type: ignore[attr-defined]
        .order_by(Submission.submitted_at, Submission.id)
    ):
        latest[(submission.enrollment_id, submission.assignment_id)] = submission
    return latest


def _latest_attempts(session: Session, enrollment_ids: list[int]) -> dict[tuple[int, int], ExamAttempt]:
    latest: dict[tuple[int, int], ExamAttempt] = {}
    for attempt in session.scalars(
        select(ExamAttempt)
        .where(ExamAttempt.enrollment_id.in_(enrollment_ids))  # type: ignore[attr-defined]
        .order_by(ExamAttempt.attempt_no)
    ):
        latest[(attempt.enrollment_id, attempt.exam_id)] = attempt
    return latest


def _assignment_item(assignment: Assignment, submission: Submission | None, active: bool) -> AssignmentItem:
    status = submission.status if submission else OPEN
    assert assignment.id is not None
    return AssignmentItem(
        assignment_id=assignment.id,
        title=assignment.title,
        xp=assignment.xp,
        status=status,
        submitted_at=submission.submitted_at if submission else None,
        score=submission.score if submission else None,
        feedback=submission.feedback if submission else "",
        xp_awarded=submission.xp_awarded if submission else 0,
        # Failed work may be handed in again; waiting and passed work may not.
        can_hand_in=active and status in (OPEN, SubmissionStatus.FAILED),
    )


def _exam_item(exam: Exam, attempt: ExamAttempt | None, active: bool) -> ExamItem:
    assert exam.id is not None
    if attempt is None:
        return ExamItem(
            exam.id,
            exam.title,
            exam.xp,
            None,
            0,
            ExamStatus.NOT_ELIGIBLE.value,
            None,
            None,
            None,
            None,
            "",
            False,
        )
    assessed = attempt.status == ExamStatus.ASSESSED
    return ExamItem(
        exam_id=exam.id,
        title=exam.title,
        xp=exam.xp,
        attempt_id=attempt.id,
        attempt_no=attempt.attempt_no,
        status=attempt.status,
        due_at=attempt.due_at,
        outcome=attempt.outcome,
        grade=attempt.grade,
        passed=exam_passed(attempt.outcome, attempt.grade) if assessed else None,
        feedback=attempt.feedback if assessed else "",
        can_submit=active and attempt.status == ExamStatus.RELEASED,
    )


def my_programs_list(*, session: Session, actor: Actor | None) -> list[ProgramItem]:
    """Every program the participant is enrolled in or completed (not the ones they left), by name."""
    authorize(session, actor, Action.VIEW_OWN_PROGRAMS, TargetKind.USER, own_id(actor))
    coach = aliased(User)
    enrollments = session.execute(
        select(Enrollment, LearningProgram, coach.name)
        .join(LearningProgram, LearningProgram.id == Enrollment.program_id)
        .outerjoin(coach, coach.id == Enrollment.coach_id)
        .where(Enrollment.participant_id == own_id(actor), Enrollment.status != EnrollmentStatus.UNENROLLED)
        .order_by(LearningProgram.name)
    ).all()
    if not enrollments:
        return []
    program_ids = [program.id for _, program, _ in enrollments]
    enrollment_ids = [enrollment.id for enrollment, _, _ in enrollments]
    modules_by_program: dict[int, list[Module]] = defaultdict(list)
    for module in session.scalars(
        select(Module)
        .where(Module.program_id.in_(program_ids))  # type: ignore[attr-defined]
        .order_by(Module.program_id, Module.position)
    ):
        modules_by_program[module.program_id].append(module)
    module_ids = [m.id for modules in modules_by_program.values() for m in modules]
    assignments_by_module: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in session.scalars(
        select(Assignment)
        .where(Assignment.module_id.in_(module_ids))  # type: ignore[attr-defined]
        .order_by(Assignment.module_id, Assignment.position, Assignment.id)
    ):
        assignments_by_module[assignment.module_id].append(assignment)
    exam_by_module = {
        exam.module_id: exam
        for exam in session.scalars(select(Exam).where(Exam.module_id.in_(module_ids)))  # type: ignore[attr-defined]
    }
    submissions = _latest_submissions(session, enrollment_ids)
    attempts = _latest_attempts(session, enrollment_ids)

    programs = []
    for enrollment, program, coach_name in enrollments:
        active = enrollment.status == EnrollmentStatus.ACTIVE
        modules = []
        total = 0
        for module in modules_by_program[program.id]:
            assignments = tuple(
                _assignment_item(a, submissions.get((enrollment.id, a.id)), active)
                for a in assignments_by_module[module.id]
            )
            exam = exam_by_module.get(module.id)
            total += sum(a.xp for a in assignments) + (exam.xp if exam else 0)
            modules.append(
                ModuleItem(
                    module_id=module.id,  # type: ignore[arg-type]
                    position=module.position,
                    title=module.title,
                    is_optional=module.is_optional,
                    assignments=assignments,
                    exam=_exam_item(exam, attempts.get((enrollment.id, exam.id)), active) if exam else None,
                )
            )
        programs.append(
            ProgramItem(
                enrollment_id=enrollment.id,
                program_id=program.id,
                name=program.name,
                status=enrollment.status,
                coach_name=coach_name,
                is_primary=enrollment.is_primary,
                xp_earned=enrollment.xp_earned,
                xp_total=total,
                threshold_xp=exam_threshold_xp(total, program.exam_threshold_pct),
                threshold_pct=program.exam_threshold_pct,
                modules=tuple(modules),
            )
        )
    return programs
