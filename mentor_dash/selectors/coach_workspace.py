"""The coach workspace: a coach's own enrollments by program, filtered and paged in SQL.

Rows come from the coach's active enrollments only (`Enrollment.coach_id == actor`). Nothing
here reads subscriptions or `participant_stats`: coaches may not see subscription data, so
it is never selected in the first place.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor, own_account
from mentor_dash.domain.statuses import exam_passed, exam_threshold_xp
from mentor_dash.domain.validation import as_bool, as_choice, as_id, as_int, as_text
from mentor_dash.models import (
    Assignment,
    CoachRegistration,
    Enrollment,
    EnrollmentStatus,
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
from mentor_dash.selectors.guard import guard

PAGE_SIZES = (25, 50, 100)
MAX_SEARCH = 100
MAX_PAGE = 100_000


@dataclass(frozen=True)
class WorkspaceQuery:
    search: str = ""
    program_id: int | None = None
    group_id: int | None = None
    archived: bool = False
    attention_only: bool = False
    page: int = 1
    page_size: int = 25

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _optional_id(value: Any) -> int | None:
    return None if value in (None, "", "all", 0) else as_id(value)


def workspace_query_from(raw: dict[str, Any]) -> WorkspaceQuery:
    """Build a query from browser-sent values; anything out of range is refused, not guessed."""
    return WorkspaceQuery(
        search=as_text(raw.get("search", ""), limit=MAX_SEARCH),
        program_id=_optional_id(raw.get("program_id")),
        group_id=_optional_id(raw.get("group_id")),
        archived=as_bool(raw.get("archived", False)),
        attention_only=as_bool(raw.get("attention_only", False)),
        page=as_int(raw.get("page", 1), low=1, high=MAX_PAGE),
        page_size=as_choice(raw.get("page_size", 25), PAGE_SIZES),
    )


@dataclass(frozen=True)
class GroupTag:
    group_id: int
    name: str


@dataclass(frozen=True)
class ExamCounts:
    """Each exam of the program counted once, by its latest attempt."""

    eligible: int = 0
    released: int = 0
    submitted: int = 0
    passed: int = 0
    failed: int = 0


@dataclass(frozen=True)
class WorkspaceRow:
    enrollment_id: int
    participant_id: int
    name: str
    email: str
    program_id: int
    program: str
    is_primary: bool
    archived: bool
    xp_earned: int
    xp_total: int
    threshold_pct: int
    threshold_xp: int
    modules_done: int
    modules_total: int
    last_activity_at: datetime | None
    waiting_submissions: int
    exams: ExamCounts
    groups: list[GroupTag] = field(default_factory=list)


@dataclass(frozen=True)
class WorkspacePage:
    rows: list[WorkspaceRow]
    total: int
    per_program: dict[int, int]
    query: WorkspaceQuery

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.query.page_size))


@dataclass(frozen=True)
class ProgramOption:
    program_id: int
    name: str


@dataclass(frozen=True)
class GroupOption:
    group_id: int
    program_id: int
    program: str
    name: str
    members: int


@dataclass(frozen=True)
class WorkspaceOptions:
    programs: list[ProgramOption]
    groups: list[GroupOption]


def _check_page(actor: Actor | None) -> Actor:
    guard(
        actor,
        Action.VIEW_COACH_WORKSPACE,
        own_account(actor) if actor else None,
        target_type="coach_workspace",
        target_id=None,
    )
    assert actor is not None
    return actor


def program_xp_totals(session: Session, program_ids: list[int]) -> dict[int, int]:
    """XP each program offers: its assignments and its exams."""
    totals: dict[int, int] = dict.fromkeys(program_ids, 0)
    if not program_ids:
        return totals
    for model in (Assignment, Exam):
        for program_id, xp in session.execute(
            select(Module.program_id, func.sum(model.xp))
            .join(Module, Module.id == model.module_id)
            .where(Module.program_id.in_(program_ids))
            .group_by(Module.program_id)
        ).all():
            totals[program_id] += int(xp or 0)
    return totals


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def own_enrollments(actor: Actor) -> Select:
    """The coach's active enrollments, as ids (callers add columns, joins and filters)."""
    return select(Enrollment.id).where(
        Enrollment.coach_id == actor.user_id,
        Enrollment.organization_id == actor.organization_id,
        Enrollment.status == EnrollmentStatus.ACTIVE,
    )


def needs_attention():  # type: ignore[no-untyped-def]
    """Work waiting for the coach: a submission to grade, an exam to evaluate or to release."""
    return or_(
        exists().where(
            Submission.enrollment_id == Enrollment.id, Submission.status == SubmissionStatus.WAITING
        ),
        exists().where(
            ExamAttempt.enrollment_id == Enrollment.id,
            ExamAttempt.status.in_([ExamStatus.SUBMITTED, ExamStatus.ELIGIBLE]),  # type: ignore[attr-defined]
        ),
    )


def _filtered(actor: Actor, query: WorkspaceQuery) -> Select:
    statement = (
        own_enrollments(actor)
        .join(User, User.id == Enrollment.participant_id)
        .join(LearningProgram, LearningProgram.id == Enrollment.program_id)
        .where(Enrollment.coach_archived == query.archived)
    )
    if query.search:
        pattern = f"%{_escape_like(query.search.lower())}%"
        statement = statement.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    if query.program_id is not None:
        statement = statement.where(Enrollment.program_id == query.program_id)
    if query.group_id is not None:
        statement = statement.where(
            exists().where(
                GroupMembership.enrollment_id == Enrollment.id,
                GroupMembership.group_id == query.group_id,
                StudentGroup.id == GroupMembership.group_id,
                StudentGroup.coach_id == actor.user_id,
            )
        )
    if query.attention_only:
        statement = statement.where(needs_attention())
    return statement


def _waiting_count():  # type: ignore[no-untyped-def]
    return (
        select(func.count())
        .where(Submission.enrollment_id == Enrollment.id, Submission.status == SubmissionStatus.WAITING)
        .correlate(Enrollment)
        .scalar_subquery()
    )


def latest_attempts(session: Session, enrollment_ids: list[int]) -> dict[tuple[int, int], ExamAttempt]:
    """The newest attempt per (enrollment, exam)."""
    latest: dict[tuple[int, int], ExamAttempt] = {}
    if not enrollment_ids:
        return latest
    for attempt in session.scalars(
        select(ExamAttempt)
        .where(ExamAttempt.enrollment_id.in_(enrollment_ids))  # type: ignore[attr-defined]
        .order_by(ExamAttempt.attempt_no)
    ):
        latest[(attempt.enrollment_id, attempt.exam_id)] = attempt
    return latest


def _exam_counts(attempts: list[ExamAttempt]) -> ExamCounts:
    counts = dict.fromkeys(("eligible", "released", "submitted", "passed", "failed"), 0)
    for attempt in attempts:
        if attempt.status == ExamStatus.ASSESSED:
            counts["passed" if exam_passed(attempt.outcome, attempt.grade) else "failed"] += 1
        elif attempt.status in (ExamStatus.ELIGIBLE, ExamStatus.RELEASED, ExamStatus.SUBMITTED):
            counts[attempt.status] += 1
    return ExamCounts(**counts)


@dataclass(frozen=True)
class _Structure:
    modules: dict[int, list[int]]  # program -> module ids
    assignments: dict[int, set[int]]  # module -> assignment ids
    exam_of_module: dict[int, int]  # module -> exam id


def _structure(session: Session, program_ids: list[int]) -> _Structure:
    modules: dict[int, list[int]] = defaultdict(list)
    assignments: dict[int, set[int]] = defaultdict(set)
    exam_of_module: dict[int, int] = {}
    if not program_ids:
        return _Structure(modules, assignments, exam_of_module)
    for module_id, program_id in session.execute(
        select(Module.id, Module.program_id)
        .where(Module.program_id.in_(program_ids))
        .order_by(Module.position)
    ).all():
        modules[program_id].append(module_id)
    module_ids = [m for ids in modules.values() for m in ids]
    for assignment_id, module_id in session.execute(
        select(Assignment.id, Assignment.module_id).where(Assignment.module_id.in_(module_ids))
    ).all():
        assignments[module_id].add(assignment_id)
    for exam_id, module_id in session.execute(
        select(Exam.id, Exam.module_id).where(Exam.module_id.in_(module_ids))
    ).all():
        exam_of_module[module_id] = exam_id
    return _Structure(modules, assignments, exam_of_module)


def passed_assignments(session: Session, enrollment_ids: list[int]) -> dict[int, set[int]]:
    passed: dict[int, set[int]] = defaultdict(set)
    if not enrollment_ids:
        return passed
    for enrollment_id, assignment_id in session.execute(
        select(Submission.enrollment_id, Submission.assignment_id).where(
            Submission.enrollment_id.in_(enrollment_ids), Submission.status == SubmissionStatus.PASSED
        )
    ).all():
        passed[enrollment_id].add(assignment_id)
    return passed


def module_done(*, assignments: set[int], passed: set[int], exam_id: int | None, exam_ok: bool) -> bool:
    """A module is done when all its assignments and its exam are passed."""
    return assignments <= passed and (exam_id is None or exam_ok)


def group_tags(session: Session, actor: Actor, enrollment_ids: list[int]) -> dict[int, list[GroupTag]]:
    """The coach's own groups each enrollment belongs to."""
    tags: dict[int, list[GroupTag]] = defaultdict(list)
    if not enrollment_ids:
        return tags
    for enrollment_id, group_id, name in session.execute(
        select(GroupMembership.enrollment_id, StudentGroup.id, StudentGroup.name)
        .join(StudentGroup, StudentGroup.id == GroupMembership.group_id)
        .where(GroupMembership.enrollment_id.in_(enrollment_ids), StudentGroup.coach_id == actor.user_id)
        .order_by(StudentGroup.name)
    ).all():
        tags[enrollment_id].append(GroupTag(group_id, name))
    return tags


def coach_workspace_page(*, session: Session, actor: Actor | None, query: WorkspaceQuery) -> WorkspacePage:
    """One page of the coach's enrollments, ordered by program then participant."""
    actor = _check_page(actor)
    filtered = _filtered(actor, query)
    total = session.execute(filtered.with_only_columns(func.count(), maintain_column_froms=True)).scalar_one()
    per_program = {
        program_id: int(count)
        for program_id, count in session.execute(
            filtered.with_only_columns(
                Enrollment.program_id, func.count(), maintain_column_froms=True
            ).group_by(Enrollment.program_id)
        ).all()
    }
    page = (
        filtered.with_only_columns(
            Enrollment.id,
            Enrollment.participant_id,
            User.name,
            User.email,
            LearningProgram.id,
            LearningProgram.name,
            LearningProgram.exam_threshold_pct,
            Enrollment.is_primary,
            Enrollment.coach_archived,
            Enrollment.xp_earned,
            Enrollment.last_activity_at,
            _waiting_count().label("waiting"),
            maintain_column_froms=True,
        )
        .order_by(LearningProgram.name, LearningProgram.id, User.name, Enrollment.id)
        .limit(query.page_size)
        .offset(query.offset)
    )
    found = session.execute(page).all()
    enrollment_ids = [r[0] for r in found]
    program_ids = sorted({r[4] for r in found})
    totals = program_xp_totals(session, program_ids)
    structure = _structure(session, program_ids)
    passed = passed_assignments(session, enrollment_ids)
    attempts = latest_attempts(session, enrollment_ids)
    attempts_of: dict[int, list[ExamAttempt]] = defaultdict(list)
    for (eid, _), attempt in attempts.items():
        attempts_of[eid].append(attempt)
    groups = group_tags(session, actor, enrollment_ids)
    rows = []
    for (
        enrollment_id,
        participant_id,
        name,
        email,
        program_id,
        program,
        threshold_pct,
        primary,
        archived,
        xp,
        last_activity,
        waiting,
    ) in found:
        modules = structure.modules.get(program_id, [])
        done = 0
        for module_id in modules:
            exam_id = structure.exam_of_module.get(module_id)
            attempt = attempts.get((enrollment_id, exam_id)) if exam_id else None
            exam_ok = bool(
                attempt is not None
                and attempt.status == ExamStatus.ASSESSED
                and exam_passed(attempt.outcome, attempt.grade)
            )
            done += module_done(
                assignments=structure.assignments.get(module_id, set()),
                passed=passed.get(enrollment_id, set()),
                exam_id=exam_id,
                exam_ok=exam_ok,
            )
        total_xp = totals.get(program_id, 0)
        rows.append(
            WorkspaceRow(
                enrollment_id=enrollment_id,
                participant_id=participant_id,
                name=name,
                email=email,
                program_id=program_id,
                program=program,
                is_primary=bool(primary),
                archived=bool(archived),
                xp_earned=int(xp),
                xp_total=total_xp,
                threshold_pct=int(threshold_pct),
                threshold_xp=exam_threshold_xp(total_xp, int(threshold_pct)),
                modules_done=done,
                modules_total=len(modules),
                last_activity_at=last_activity,
                waiting_submissions=int(waiting),
                exams=_exam_counts(attempts_of[enrollment_id]),
                groups=groups.get(enrollment_id, []),
            )
        )
    return WorkspacePage(rows=rows, total=int(total), per_program=per_program, query=query)


def coach_workspace_options(*, session: Session, actor: Actor | None) -> WorkspaceOptions:
    """Programs the coach is registered for or coaches in, and the coach's groups with member counts."""
    actor = _check_page(actor)
    registered = select(CoachRegistration.program_id).where(CoachRegistration.coach_id == actor.user_id)
    coached = own_enrollments(actor).with_only_columns(Enrollment.program_id)
    programs = [
        ProgramOption(pid, name)
        for pid, name in session.execute(
            select(LearningProgram.id, LearningProgram.name)
            .where(
                LearningProgram.organization_id == actor.organization_id,
                or_(LearningProgram.id.in_(registered), LearningProgram.id.in_(coached)),
            )
            .order_by(LearningProgram.name)
        ).all()
    ]
    members = (
        select(func.count())
        .select_from(GroupMembership)
        .join(Enrollment, Enrollment.id == GroupMembership.enrollment_id)
        .where(
            GroupMembership.group_id == StudentGroup.id,
            Enrollment.coach_id == actor.user_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        .correlate(StudentGroup)
        .scalar_subquery()
    )
    groups = [
        GroupOption(gid, pid, program, name, int(count))
        for gid, pid, program, name, count in session.execute(
            select(StudentGroup.id, StudentGroup.program_id, LearningProgram.name, StudentGroup.name, members)
            .join(LearningProgram, LearningProgram.id == StudentGroup.program_id)
            .where(
                and_(
                    StudentGroup.coach_id == actor.user_id,
                    StudentGroup.organization_id == actor.organization_id,
                )
            )
            .order_by(LearningProgram.name, StudentGroup.name)
        ).all()
    ]
    return WorkspaceOptions(programs=programs, groups=groups)


def coach_participants_touched(*, session: Session, actor: Actor | None, participant_ids: list[int]) -> bool:
    """Whether any of these participants is in one of the coach's active enrollments (live reloads)."""
    actor = _check_page(actor)
    wanted = sorted({pid for pid in participant_ids if isinstance(pid, int) and pid > 0})[:1000]
    if not wanted:
        return False
    found = session.execute(
        own_enrollments(actor).where(Enrollment.participant_id.in_(wanted)).limit(1)
    ).first()
    return found is not None
