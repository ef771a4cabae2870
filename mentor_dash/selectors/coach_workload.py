"""Every coach of the organisation with their load, filtered, sorted and paged in SQL."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, or_, select
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


def _grouped(query: WorkloadQuery, organization_id: int, figure: WorkloadSort, coach_ids: list[int] | None):  # type: ignore[no-untyped-def]
    """(coach id, count) for one figure, over the organisation or just the given coaches."""
    if figure is WorkloadSort.MENTEES:
        statement = select(Mentorship.mentor_id, func.count()).where(
            Mentorship.organization_id == organization_id, Mentorship.ended_at.is_(None)
        )
        if coach_ids is not None:
            statement = statement.where(Mentorship.mentor_id.in_(coach_ids))
        return statement.group_by(Mentorship.mentor_id)
    conditions = [
        Enrollment.organization_id == organization_id,
        Enrollment.status == EnrollmentStatus.ACTIVE,
        Enrollment.coach_id.is_not(None),
    ]
    if query.program_id is not None:
        conditions.append(Enrollment.program_id == query.program_id)
    if coach_ids is not None:
        conditions.append(Enrollment.coach_id.in_(coach_ids))
    if figure is WorkloadSort.WAITING:
        return (
            select(Enrollment.coach_id, func.count())
            .select_from(Submission)
            .join(Enrollment, Enrollment.id == Submission.enrollment_id)
            .where(Submission.status == SubmissionStatus.WAITING, *conditions)
            .group_by(Enrollment.coach_id)
        )
    return select(Enrollment.coach_id, func.count()).where(*conditions).group_by(Enrollment.coach_id)


def _figure(
    session: Session,
    query: WorkloadQuery,
    organization_id: int,
    figure: WorkloadSort,
    coach_ids: list[int] | None,
) -> dict[int, int]:
    return {
        cid: int(n) for cid, n in session.execute(_grouped(query, organization_id, figure, coach_ids)).all()
    }


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


def _coaches(session: Session, actor: Actor, query: WorkloadQuery) -> list[tuple[int, str, str, bool, bool]]:
    """Every coach the filters match: id, name, email, active, available (a few thousand at most)."""
    organization = User.organization_id
    if session.get_bind().dialect.name == "sqlite":
        # Without "+ 0" SQLite walks ix_user_org_name through every participant of the organisation
        # to find its coaches: ten times slower than one scan (as in selectors.mentor_directory).
        organization = organization + 0  # type: ignore[assignment]
    statement = (
        select(User.id, User.name, User.email, User.is_active, ~_unavailable())
        .outerjoin(CoachProfile, CoachProfile.user_id == User.id)
        .where(organization == actor.organization_id, User.is_coach)
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
        statement = statement.where(
            select(CoachRegistration.id)
            .where(CoachRegistration.coach_id == User.id, CoachRegistration.program_id == query.program_id)
            .exists()
        )
    if query.availability is AvailabilityFilter.UNAVAILABLE:
        statement = statement.where(_unavailable())
    elif query.availability is AvailabilityFilter.AVAILABLE:
        statement = statement.where(~_unavailable())
    return [
        (cid, name, email, bool(active), bool(available))
        for cid, name, email, active, available in session.execute(statement).all()
    ]


def _workload(
    session: Session, actor: Actor | None, query: WorkloadQuery, *, limit: int, offset: int
) -> WorkloadPage:
    if actor is None:
        raise NotSignedIn()
    authorize(session, actor, Action.MANAGE_COACHES, TargetKind.ORGANIZATION, actor.organization_id)
    if query.program_id is not None:
        authorize(session, actor, Action.MANAGE_COACHES, TargetKind.PROGRAM, query.program_id)
    coaches = _coaches(session, actor, query)
    # Sorted here rather than in SQL: one grouped count over the organisation is far cheaper than
    # a count per coach, and a few thousand coaches sort in a millisecond.
    if query.sort is WorkloadSort.NAME:
        ordered = sorted(coaches, key=lambda c: (c[1], c[0]), reverse=query.descending)
    else:
        values = _figure(session, query, actor.organization_id, query.sort, None)
        sign = -1 if query.descending else 1
        ordered = sorted(coaches, key=lambda c: (sign * values.get(c[0], 0), c[1], c[0]))
    shown = ordered[offset : offset + limit]
    ids = [c[0] for c in shown]
    # A page asks about its own coaches; an export asks about the whole organisation at once.
    scope = ids if len(ids) <= 900 else None
    figures = {
        figure: _figure(session, query, actor.organization_id, figure, scope) if ids else {}
        for figure in (WorkloadSort.LOAD, WorkloadSort.MENTEES, WorkloadSort.WAITING)
    }
    per_program = _per_program(session, ids, query)
    return WorkloadPage(
        rows=[
            CoachWorkload(
                coach_id=cid,
                name=name,
                email=email,
                is_active=active,
                available=available,
                active_enrollments=figures[WorkloadSort.LOAD].get(cid, 0),
                mentor_participants=figures[WorkloadSort.MENTEES].get(cid, 0),
                waiting_submissions=figures[WorkloadSort.WAITING].get(cid, 0),
                programs=per_program.get(cid, []),
            )
            for cid, name, email, active, available in shown
        ],
        coaches=len(coaches),
        unavailable=sum(1 for c in coaches if not c[4]),
        query=query,
    )


def _per_program(
    session: Session, coach_ids: list[int], query: WorkloadQuery
) -> dict[int, list[ProgramLoad]]:
    loads: dict[int, list[ProgramLoad]] = defaultdict(list)
    for start in range(0, len(coach_ids), 900):
        statement = (
            select(Enrollment.coach_id, LearningProgram.id, LearningProgram.name, func.count())
            .join(LearningProgram, LearningProgram.id == Enrollment.program_id)
            .where(
                Enrollment.coach_id.in_(coach_ids[start : start + 900]),
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
            .group_by(Enrollment.coach_id, LearningProgram.id, LearningProgram.name)
            .order_by(LearningProgram.name)
        )
        if query.program_id is not None:
            statement = statement.where(Enrollment.program_id == query.program_id)
        for coach_id, program_id, name, count in session.execute(statement).all():
            loads[coach_id].append(ProgramLoad(program_id, name, int(count)))
    return loads
