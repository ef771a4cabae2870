"""One enrollment as its coach sees it: module by module, every submission with its grade, every exam attempt.

Only the enrollment's own coach may read this (detailed progress is a coach-only cell of the
permission table). Subscription data is not read.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.statuses import exam_passed, exam_threshold_xp
from mentor_dash.domain.validation import as_id
from mentor_dash.models import (
    Assignment,
    Enrollment,
    Exam,
    ExamAttempt,
    ExamStatus,
    GroupMembership,
    LearningProgram,
    Module,
    StudentGroup,
    Submission,
    SubmissionStatus,
    User,
)
from mentor_dash.selectors.coach_workspace import GroupTag, module_done, program_xp_totals
from mentor_dash.selectors.guard import TargetKind, authorize

# What the coach may do next with an exam, decided by its latest attempt.
RELEASE, RELEASE_EARLY, EVALUATE, RESIT = "release", "release_early", "evaluate", "resit"


@dataclass(frozen=True)
class SubmissionDetail:
    submission_id: int
    status: str
    content: str
    submitted_at: datetime
    score: int | None
    feedback: str
    graded_at: datetime | None
    graded_by: str | None
    xp_awarded: int


@dataclass(frozen=True)
class AssignmentDetail:
    assignment_id: int
    title: str
    xp: int
    passed: bool
    waiting_submission_id: int | None
    submissions: list[SubmissionDetail] = field(default_factory=list)  # newest first


@dataclass(frozen=True)
class AttemptDetail:
    attempt_id: int
    attempt_no: int
    status: str
    outcome: str | None
    grade: int | None
    passed: bool | None
    answer: str
    feedback: str
    eligible_at: datetime | None
    released_at: datetime | None
    due_at: datetime | None
    submitted_at: datetime | None
    assessed_at: datetime | None
    assessed_by: str | None


@dataclass(frozen=True)
class ExamDetail:
    exam_id: int
    title: str
    xp: int
    status: str  # of the latest attempt; not_eligible when there is none
    next_step: str | None  # RELEASE, RELEASE_EARLY, EVALUATE, RESIT or None
    latest_attempt_id: int | None
    attempts: list[AttemptDetail] = field(default_factory=list)  # oldest first


@dataclass(frozen=True)
class ModuleDetail:
    module_id: int
    position: int
    title: str
    optional: bool
    done: bool
    assignments: list[AssignmentDetail]
    exam: ExamDetail | None


@dataclass(frozen=True)
class EnrollmentDetail:
    enrollment_id: int
    version: int
    participant_id: int
    name: str
    email: str
    program_id: int
    program: str
    is_primary: bool
    archived: bool
    enrolled_at: datetime
    last_activity_at: datetime | None
    xp_earned: int
    xp_total: int
    threshold_pct: int
    threshold_xp: int
    modules: list[ModuleDetail]
    groups: list[GroupTag]
    other_groups: list[GroupTag]  # the coach's groups of this program the participant is not in

    @property
    def modules_done(self) -> int:
        return sum(module.done for module in self.modules)


def _next_step(latest: ExamAttempt | None, threshold_reached: bool) -> str | None:
    if latest is None or latest.status == ExamStatus.NOT_ELIGIBLE:
        return RELEASE if threshold_reached else RELEASE_EARLY
    if latest.status == ExamStatus.ELIGIBLE:
        return RELEASE
    if latest.status == ExamStatus.SUBMITTED:
        return EVALUATE
    if latest.status == ExamStatus.ASSESSED and not exam_passed(latest.outcome, latest.grade):
        return RESIT
    return None


def _attempt_detail(attempt: ExamAttempt, names: dict[int, str]) -> AttemptDetail:
    assessed = attempt.status == ExamStatus.ASSESSED
    return AttemptDetail(
        attempt_id=attempt.id,  # type: ignore[arg-type]
        attempt_no=attempt.attempt_no,
        status=attempt.status,
        outcome=attempt.outcome,
        grade=attempt.grade,
        passed=exam_passed(attempt.outcome, attempt.grade) if assessed else None,
        answer=attempt.answer,
        feedback=attempt.feedback,
        eligible_at=attempt.eligible_at,
        released_at=attempt.released_at,
        due_at=attempt.due_at,
        submitted_at=attempt.submitted_at,
        assessed_at=attempt.assessed_at,
        assessed_by=names.get(attempt.assessed_by_id) if attempt.assessed_by_id else None,
    )


def _submission_detail(submission: Submission, names: dict[int, str]) -> SubmissionDetail:
    return SubmissionDetail(
        submission_id=submission.id,  # type: ignore[arg-type]
        status=submission.status,
        content=submission.content,
        submitted_at=submission.submitted_at,
        score=submission.score,
        feedback=submission.feedback,
        graded_at=submission.graded_at,
        graded_by=names.get(submission.graded_by_id) if submission.graded_by_id else None,
        xp_awarded=submission.xp_awarded,
    )


def _groups(session: Session, actor: Actor, enrollment: Enrollment) -> tuple[list[GroupTag], list[GroupTag]]:
    joined = set(
        session.exec(
            select(GroupMembership.group_id).where(GroupMembership.enrollment_id == enrollment.id)
        ).all()
    )
    mine = session.exec(
        select(StudentGroup)
        .where(StudentGroup.coach_id == actor.user_id, StudentGroup.program_id == enrollment.program_id)
        .order_by(StudentGroup.name)
    ).all()
    tags = [GroupTag(g.id, g.name) for g in mine]  # type: ignore[arg-type]
    return [t for t in tags if t.group_id in joined], [t for t in tags if t.group_id not in joined]


def coach_enrollment_detail(*, session: Session, actor: Actor | None, enrollment_id: int) -> EnrollmentDetail:
    enrollment_id = as_id(enrollment_id)
    authorize(session, actor, Action.VIEW_DETAILED_PROGRESS, TargetKind.ENROLLMENT, enrollment_id)
    assert actor is not None
    enrollment = session.get(Enrollment, enrollment_id)
    assert enrollment is not None
    participant = session.get(User, enrollment.participant_id)
    program = session.get(LearningProgram, enrollment.program_id)
    assert participant is not None and program is not None
    modules = session.exec(
        select(Module).where(Module.program_id == program.id).order_by(Module.position)
    ).all()
    module_ids = [m.id for m in modules]
    assignments: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in session.exec(
        select(Assignment)
        .where(Assignment.module_id.in_(module_ids))  # type: ignore[union-attr]
        .order_by(Assignment.module_id, Assignment.position, Assignment.id)
    ).all():
        assignments[assignment.module_id].append(assignment)
    exams = {
        exam.module_id: exam
        for exam in session.exec(select(Exam).where(Exam.module_id.in_(module_ids))).all()  # type: ignore[union-attr]
    }
    submissions: dict[int, list[Submission]] = defaultdict(list)
    for submission in session.exec(
        select(Submission)
        .where(Submission.enrollment_id == enrollment_id)
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())  # type: ignore[attr-defined,union-attr]
    ).all():
        submissions[submission.assignment_id].append(submission)
    attempts: dict[int, list[ExamAttempt]] = defaultdict(list)
    for attempt in session.exec(
        select(ExamAttempt).where(ExamAttempt.enrollment_id == enrollment_id).order_by(ExamAttempt.attempt_no)
    ).all():
        attempts[attempt.exam_id].append(attempt)
    grader = aliased(User)
    grader_ids = {s.graded_by_id for rows in submissions.values() for s in rows if s.graded_by_id} | {
        a.assessed_by_id for rows in attempts.values() for a in rows if a.assessed_by_id
    }
    names = dict(session.execute(select(grader.id, grader.name).where(grader.id.in_(grader_ids))).all())

    total = program_xp_totals(session, [program.id]).get(program.id, 0)  # type: ignore[arg-type]
    threshold = exam_threshold_xp(total, program.exam_threshold_pct)
    reached = total > 0 and enrollment.xp_earned >= threshold
    module_views = []
    for module in modules:
        assignment_views = []
        passed_ids: set[int] = set()
        for assignment in assignments.get(module.id, []):  # type: ignore[arg-type]
            rows = submissions.get(assignment.id, [])  # type: ignore[arg-type]
            passed = any(s.status == SubmissionStatus.PASSED for s in rows)
            if passed:
                passed_ids.add(assignment.id)  # type: ignore[arg-type]
            waiting = next((s.id for s in rows if s.status == SubmissionStatus.WAITING), None)
            assignment_views.append(
                AssignmentDetail(
                    assignment_id=assignment.id,  # type: ignore[arg-type]
                    title=assignment.title,
                    xp=assignment.xp,
                    passed=passed,
                    waiting_submission_id=waiting,
                    submissions=[_submission_detail(s, names) for s in rows],
                )
            )
        exam = exams.get(module.id)  # type: ignore[arg-type]
        exam_view = None
        exam_ok = False
        if exam is not None:
            tried = attempts.get(exam.id, [])  # type: ignore[arg-type]
            latest = tried[-1] if tried else None
            exam_ok = bool(
                latest and latest.status == ExamStatus.ASSESSED and exam_passed(latest.outcome, latest.grade)
            )
            exam_view = ExamDetail(
                exam_id=exam.id,  # type: ignore[arg-type]
                title=exam.title,
                xp=exam.xp,
                status=latest.status if latest else ExamStatus.NOT_ELIGIBLE.value,
                next_step=_next_step(latest, reached),
                latest_attempt_id=latest.id if latest else None,
                attempts=[_attempt_detail(a, names) for a in tried],
            )
        module_views.append(
            ModuleDetail(
                module_id=module.id,  # type: ignore[arg-type]
                position=module.position,
                title=module.title,
                optional=module.is_optional,
                done=module_done(
                    assignments={a.id for a in assignments.get(module.id, [])},  # type: ignore[misc,arg-type]
                    passed=passed_ids,
                    exam_id=exam.id if exam else None,
                    exam_ok=exam_ok,
                ),
                assignments=assignment_views,
                exam=exam_view,
            )
        )
    groups, other_groups = _groups(session, actor, enrollment)
    return EnrollmentDetail(
        enrollment_id=enrollment_id,
        version=enrollment.version,
        participant_id=participant.id,  # type: ignore[arg-type]
        name=participant.name,
        email=participant.email,
        program_id=program.id,  # type: ignore[arg-type]
        program=program.name,
        is_primary=enrollment.is_primary,
        archived=enrollment.coach_archived,
        enrolled_at=enrollment.enrolled_at,
        last_activity_at=enrollment.last_activity_at,
        xp_earned=enrollment.xp_earned,
        xp_total=total,
        threshold_pct=program.exam_threshold_pct,
        threshold_xp=threshold,
        modules=module_views,
        groups=groups,
        other_groups=other_groups,
    )
