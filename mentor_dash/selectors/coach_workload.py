"""Every coach of the organisation with their load, filtered, sorted and paged in SQL."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import NotSignedIn
from mentor_dash.domain.grid import AvailabilityFilter, WorkloadQuery, WorkloadSort
from mentor_dash.models import (
    Availability,
    CoachProfile,
    CoachRegistration,
    Enrollment,
    EnrollmentStatus,
    LearningProgram,
    Mentorship,
    Submission,
    SubmissionStatus,
    User,
)
from mentor_dash.selectors.guard import TargetKind, authorize


@dataclass(frozen=True)
class ProgramLoad:
    program_id: int
    program: str
    active: int


@dataclass(frozen=True)
class CoachWorkload:
    coach_id: int
    name: str
    email: str
    is_active: bool
    available: bool
    active_enrollments: int
    mentor_participants: int
    waiting_submissions: int
    programs: list[ProgramLoad] = field(default_factory=list)


@dataclass(frozen=True)
class WorkloadPage:
    rows: list[CoachWorkload]
    coaches: int
    unavailable: int
    query: WorkloadQuery

    @property
    def page_count(self) -> int:
        return max(1, -(-self.coaches // self.query.page_size))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _active_in(query: WorkloadQuery) -> list[ColumnElement[bool]]:
    conditions = [Enrollment.coach_id == User.id, Enrollment.status == EnrollmentStatus.ACTIVE]
    if query.program_id is not None:
        conditions.append(Enrollment.program_id == query.program_id)
    return conditions


def _figures(query: WorkloadQuery) -> dict[WorkloadSort, ColumnElement]:
    """Per-coach counts as correlated subqueries: each is one index range per coach."""
    load = select(func.count()).where(*_active_in(query)).correlate(User).scalar_subquery()
    waiting = (
        select(func.count())
        .select_from(Submission)
        .join(Enrollment, Enrollment.id == Submission.enrollment_id)
        .where(*_active_in(query), Submission.status == SubmissionStatus.WAITING)
        .correlate(User)
        .scalar_subquery()
    )
    mentees = (
        select(func.count())
        .where(Mentorship.mentor_id == User.id, Mentorship.ended_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    return {WorkloadSort.LOAD: load, WorkloadSort.WAITING: waiting, WorkloadSort.MENTEES: mentees}


def _unavailable() -> ColumnElement[bool]:
    return and_(CoachProfile.availability.is_not(None), CoachProfile.availability == Availability.UNAVAILABLE)


EXPORT_LIMIT = 20_000


def coach_workload(*, session: Session, actor: Actor | None, query: WorkloadQuery) -> WorkloadPage:
    """One page of coaches with active enrollments (per program), mentor participants and grading queue."""
    return _workload(session, actor, query, limit=query.page_size, offset=query.offset)


def coach_workload_export(
    *, session: Session, actor: Actor | None, query: WorkloadQuery
) -> list[CoachWorkload]:
    """Every coach the filter matches, in the table's order (for CSV)."""
    return _workload(session, actor, query, limit=EXPORT_LIMIT, offset=0).rows


def _workload(
    session: Session, actor: Actor | None, query: WorkloadQuery, *, limit: int, offset: int
) -> WorkloadPage:
    if actor is None:
        raise NotSignedIn()
    authorize(session, actor, Action.MANAGE_COACHES, TargetKind.ORGANIZATION, actor.organization_id)
    if query.program_id is not None:
        authorize(session, actor, Action.MANAGE_COACHES, TargetKind.PROGRAM, query.program_id)
    base = (
        select(User.id)
        .outerjoin(CoachProfile, CoachProfile.user_id == User.id)
        .where(User.organization_id == actor.organization_id, User.is_coach)
    )
    if query.search:
        pattern = f"%{_escape_like(query.search.lower())}%"
        base = base.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    if query.program_id is not None:
        base = base.where(
            select(CoachRegistration.id)
            .where(CoachRegistration.coach_id == User.id, CoachRegistration.program_id == query.program_id)
            .exists()
        )
    if query.availability is AvailabilityFilter.UNAVAILABLE:
        base = base.where(_unavailable())
    elif query.availability is AvailabilityFilter.AVAILABLE:
        base = base.where(~_unavailable())
    coaches, unavailable = session.execute(
        base.with_only_columns(func.count(), func.coalesce(func.sum(case((_unavailable(), 1), else_=0)), 0))
    ).one()
    figures = _figures(query)
    if query.sort is WorkloadSort.NAME:
        order = [User.name.desc() if query.descending else User.name.asc()]
    else:
        column = figures[query.sort]
        order = [column.desc() if query.descending else column.asc(), User.name.asc()]
    rows = session.execute(
        base.with_only_columns(
            User.id,
            User.name,
            User.email,
            User.is_active,
            CoachProfile.availability,
            figures[WorkloadSort.LOAD],
            figures[WorkloadSort.MENTEES],
            figures[WorkloadSort.WAITING],
        )
        .order_by(*order, User.id)
        .limit(limit)
        .offset(offset)
    ).all()
    per_program = _per_program(session, [row[0] for row in rows], query)
    return WorkloadPage(
        rows=[
            CoachWorkload(
                coach_id=cid,
                name=name,
                email=email,
                is_active=bool(is_active),
                available=availability != Availability.UNAVAILABLE,
                active_enrollments=int(load),
                mentor_participants=int(mentees),
                waiting_submissions=int(waiting),
                programs=per_program.get(cid, []),
            )
            for cid, name, email, is_active, availability, load, mentees, waiting in rows
        ],
        coaches=int(coaches),
        unavailable=int(unavailable),
        query=query,
    )


def _per_program(
    session: Session, coach_ids: list[int], query: WorkloadQuery
) -> dict[int, list[ProgramLoad]]:
    if not coach_ids:
        return {}
    statement = (
        select(Enrollment.coach_id, LearningProgram.id, LearningProgram.name, func.count())
        .join(LearningProgram, LearningProgram.id == Enrollment.program_id)
        .where(Enrollment.coach_id.in_(coach_ids), Enrollment.status == EnrollmentStatus.ACTIVE)
        .group_by(Enrollment.coach_id, LearningProgram.id, LearningProgram.name)
        .order_by(LearningProgram.name)
    )
    if query.program_id is not None:
        statement = statement.where(Enrollment.program_id == query.program_id)
    loads: dict[int, list[ProgramLoad]] = defaultdict(list)
    for coach_id, program_id, name, count in session.execute(statement).all():
        loads[coach_id].append(ProgramLoad(program_id, name, int(count)))
    return loads
