"""The mentor and manager participant grids: filtered, sorted and paged in SQL.

Mentors see their own mentor participants (active mentorships); program managers see every
participant of their organisation. Subscription data is part of every row, which is why
coaches never get this grid.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor, own_account
from mentor_dash.domain.grid import ExamFilter, GridQuery, GridScope, SortKey
from mentor_dash.domain.statuses import EXPIRING_SOON_DAYS, SubscriptionStatus, subscription_status
from mentor_dash.models import (
    Enrollment,
    EnrollmentStatus,
    LearningProgram,
    Mentorship,
    ParticipantStats,
    User,
)
from mentor_dash.selectors.feed_cache import FeedCache, feed_position
from mentor_dash.selectors.guard import guard

EXPORT_LIMIT = 200_000


@dataclass(frozen=True)
class ProgramCell:
    enrollment_id: int
    program_id: int
    program_name: str
    coach_id: int | None
    coach_name: str | None
    is_primary: bool


@dataclass(frozen=True)
class GridRow:
    participant_id: int
    name: str
    email: str
    xp_earned: int
    xp_available: int
    subscription_expires_at: datetime | None
    subscription_status: SubscriptionStatus
    exams_released: int
    exams_submitted: int
    exams_passed: int
    exams_failed: int
    exam_warning: bool
    last_activity_at: datetime | None
    mentor_name: str | None
    archived: bool
    programs: list[ProgramCell] = field(default_factory=list)


@dataclass(frozen=True)
class GridTotals:
    participants: int
    coachless_enrollments: int
    coachless_participants: int
    expiring: int
    expired: int


@dataclass(frozen=True)
class GridPage:
    rows: list[GridRow]
    totals: GridTotals
    query: GridQuery

    @property
    def total(self) -> int:
        return self.totals.participants

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.query.page_size))


_MENTOR = aliased(User, name="mentor_user")
# Built once: a fresh alias per call would cost SQLAlchemy a new statement analysis every time.
_COACH = aliased(User, name="coach_user")
_PAGE_ACTION = {
    GridScope.MENTOR: Action.VIEW_MENTOR_OVERVIEW,
    GridScope.MANAGER: Action.VIEW_MANAGER_OVERVIEW,
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(
    actor: Actor, scope: GridScope, query: GridQuery, now: datetime, *, for_totals: bool = False
) -> Select:
    """Participant rows of the grid, with every filter applied (columns chosen by the caller).

    Driven from participant_stats, whose (organization, figure) indexes serve the sorts; joins
    that only feed displayed columns are left out when counting totals.
    """
    stats = ParticipantStats
    statement = (
        select(stats.participant_id).select_from(stats).where(stats.organization_id == actor.organization_id)
    )
    if not for_totals or query.search:
        # The redundant organisation condition lets the (organization, name) index serve name sorts.
        statement = statement.join(User, User.id == stats.participant_id).where(
            User.organization_id == actor.organization_id
        )
    mentorship_on = and_(Mentorship.participant_id == stats.participant_id, Mentorship.ended_at.is_(None))
    if scope is GridScope.MENTOR:
        statement = statement.join(Mentorship, mentorship_on).where(
            Mentorship.mentor_id == actor.user_id, Mentorship.mentor_archived == query.archived
        )
    elif not for_totals or query.no_mentor:
        statement = statement.outerjoin(Mentorship, mentorship_on)
    if not for_totals:
        statement = statement.outerjoin(_MENTOR, _MENTOR.id == Mentorship.mentor_id)
    if query.no_mentor:
        # Nobody chose a mentor yet (in the mentor scope everyone has one: the viewer).
        statement = statement.where(Mentorship.id.is_(None))

    if query.search:
        pattern = f"%{_escape_like(query.search.lower())}%"
        statement = statement.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    enrollment_conditions = []
    if query.program_id is not None:
        enrollment_conditions.append(Enrollment.program_id == query.program_id)
    if query.coach_id is not None:
        enrollment_conditions.append(Enrollment.coach_id == query.coach_id)
    if query.coachless_only:
        enrollment_conditions.append(Enrollment.coach_id.is_(None))
    if enrollment_conditions:
        statement = statement.where(
            exists().where(
                Enrollment.participant_id == stats.participant_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                *enrollment_conditions,
            )
        )
    if query.subscription is not None:
        statement = statement.where(_subscription_condition(query.subscription, now))
    if query.exam is not None:
        statement = statement.where(_exam_condition(query.exam, now))
    return statement


def matching_participants(actor: Actor, scope: GridScope, query: GridQuery, now: datetime) -> Select:
    """The ids of every participant the grid's filter matches, for services that act on "all matching".

    Builds a statement only: the caller has authorized the actor for what it does with the ids.
    """
    return _filtered(actor, scope, query, now)


def _subscription_condition(status: SubscriptionStatus, now: datetime):  # type: ignore[no-untyped-def]
    expires = ParticipantStats.subscription_expires_at
    soon = now + timedelta(days=EXPIRING_SOON_DAYS)
    return {
        SubscriptionStatus.NONE: expires.is_(None),
        SubscriptionStatus.EXPIRED: expires <= now,
        SubscriptionStatus.EXPIRING: and_(expires > now, expires <= soon),
        SubscriptionStatus.ACTIVE: expires > soon,
    }[status]


def _warning(now: datetime):  # type: ignore[no-untyped-def]
    return or_(ParticipantStats.optional_exams_failed > 0, ParticipantStats.optional_exam_next_due_at < now)


def _exam_condition(exam: ExamFilter, now: datetime):  # type: ignore[no-untyped-def]
    stats = ParticipantStats
    return {
        ExamFilter.RELEASED: stats.exams_released > 0,
        ExamFilter.SUBMITTED: stats.exams_submitted > 0,
        ExamFilter.PASSED: stats.exams_passed > 0,
        ExamFilter.FAILED: stats.exams_failed > 0,
        ExamFilter.WARNING: _warning(now),
    }[exam]


def _order(query: GridQuery) -> list:
    stats = ParticipantStats
    column = {
        SortKey.NAME: User.name,
        SortKey.XP: stats.xp_earned,
        SortKey.EXPIRY: stats.subscription_expires_at,
        SortKey.ACTIVITY: stats.last_activity_at,
    }[query.sort]
    direction = column.desc() if query.descending else column.asc()
    # Missing dates go last either way: "no subscription" is not "expires first".
    nulls_last = [column.is_(None).asc()] if query.sort in (SortKey.EXPIRY, SortKey.ACTIVITY) else []
    tiebreak = User.id.desc() if query.descending else User.id.asc()
    return [*nulls_last, direction, tiebreak]


def _row_columns(now: datetime) -> list:
    stats = ParticipantStats
    return [
        User.id,
        User.name,
        User.email,
        stats.xp_earned,
        stats.xp_available,
        stats.subscription_expires_at,
        stats.exams_released,
        stats.exams_submitted,
        stats.exams_passed,
        stats.exams_failed,
        case((_warning(now), True), else_=False).label("warning"),
        stats.last_activity_at,
        _MENTOR.name.label("mentor_name"),
        func.coalesce(Mentorship.mentor_archived, literal(False)).label("archived"),
    ]


def _rows(session: Session, statement: Select, now: datetime) -> list[GridRow]:
    rows = [
        GridRow(
            participant_id=r[0],
            name=r[1],
            email=r[2],
            xp_earned=r[3],
            xp_available=r[4],
            subscription_expires_at=r[5],
            subscription_status=subscription_status(r[5], now),
            exams_released=r[6],
            exams_submitted=r[7],
            exams_passed=r[8],
            exams_failed=r[9],
            exam_warning=bool(r[10]),
            last_activity_at=r[11],
            mentor_name=r[12],
            archived=bool(r[13]),
        )
        for r in session.execute(statement).all()
    ]
    cells = program_cells(session, [row.participant_id for row in rows])
    for row in rows:
        row.programs.extend(cells.get(row.participant_id, []))
    return rows


def program_cells(session: Session, participant_ids: list[int]) -> dict[int, list[ProgramCell]]:
    """Each participant's active enrollments: program, coach (or none), primary marker."""
    if not participant_ids:
        return {}
    coach = _COACH
    result = session.execute(
        select(
            Enrollment.participant_id,
            Enrollment.id,
            LearningProgram.id,
            LearningProgram.name,
            Enrollment.coach_id,
            coach.name,
            Enrollment.is_primary,
        )
        .join(LearningProgram, LearningProgram.id == Enrollment.program_id)
        .outerjoin(coach, coach.id == Enrollment.coach_id)
        .where(Enrollment.participant_id.in_(participant_ids), Enrollment.status == EnrollmentStatus.ACTIVE)
        .order_by(Enrollment.participant_id, LearningProgram.name)
    ).all()
    cells: dict[int, list[ProgramCell]] = defaultdict(list)
    for pid, eid, prog_id, prog_name, coach_id, coach_name, primary in result:
        cells[pid].append(ProgramCell(eid, prog_id, prog_name, coach_id, coach_name, bool(primary)))
    return cells


def _totals(session: Session, filtered: Select, now: datetime) -> GridTotals:
    stats = ParticipantStats
    soon = now + timedelta(days=EXPIRING_SOON_DAYS)
    expires = stats.subscription_expires_at
    statement = filtered.with_only_columns(
        func.count(),
        func.coalesce(func.sum(stats.coachless_enrollments), 0),
        func.coalesce(func.sum(case((stats.coachless_enrollments > 0, 1), else_=0)), 0),
        func.coalesce(func.sum(case((and_(expires > now, expires <= soon), 1), else_=0)), 0),
        func.coalesce(func.sum(case((expires <= now, 1), else_=0)), 0),
        maintain_column_froms=True,
    )
    participants, coachless, coachless_people, expiring, expired = session.execute(statement).one()
    return GridTotals(int(participants), int(coachless), int(coachless_people), int(expiring), int(expired))


# Grids of one organisation, shared by its viewers until the change feed moves. Totals are kept
# apart from pages: sorting and paging never change them, so only a new filter or a write costs
# the aggregate over the whole scope.
totals_cache = FeedCache()
pages_cache = FeedCache()


def _viewer(actor: Actor, scope: GridScope) -> int:
    """Whose grid it is: a mentor sees their own participants, every manager the whole organisation."""
    return actor.user_id if scope is GridScope.MENTOR else 0


def participant_grid(
    *, session: Session, actor: Actor | None, scope: GridScope, query: GridQuery, now: datetime
) -> GridPage:
    """One page of the grid and the totals of everything the filter matches."""
    guard(
        actor, _PAGE_ACTION[scope], own_account(actor) if actor else None, target_type="grid", target_id=None
    )
    assert actor is not None
    viewer = _viewer(actor, scope)

    def page_rows() -> list[GridRow]:
        statement = (
            _filtered(actor, scope, query, now)
            .with_only_columns(*_row_columns(now), maintain_column_froms=True)
            .order_by(*_order(query))
            .limit(query.page_size)
            .offset(query.offset)
        )
        return _rows(session, statement, now)

    filters = replace(query, sort=SortKey.NAME, descending=False, page=1, page_size=25)
    position = feed_position(session, actor.organization_id, now)
    # Grading and hand-ins never move a count of people, unless the filter is on exam status.
    by_exam = query.exam is not None
    totals_position = (
        position if by_exam else feed_position(session, actor.organization_id, now, progress_matters=False)
    )
    totals = totals_cache.get_or_compute(
        totals_position,
        (scope, viewer, filters),
        lambda: _totals(session, _filtered(actor, scope, query, now, for_totals=True), now),
    )
    rows = pages_cache.get_or_compute(position, (scope, viewer, query), page_rows)
    return GridPage(rows=rows, totals=totals, query=query)


def participant_grid_export(
    *, session: Session, actor: Actor | None, scope: GridScope, query: GridQuery, now: datetime
) -> list[GridRow]:
    """Every row the filter matches, in the grid's order (for CSV export)."""
    guard(
        actor, _PAGE_ACTION[scope], own_account(actor) if actor else None, target_type="grid", target_id=None
    )
    assert actor is not None
    statement = (
        _filtered(actor, scope, query, now)
        .with_only_columns(*_row_columns(now), maintain_column_froms=True)
        .order_by(*_order(query))
        .limit(EXPORT_LIMIT)
    )
    return _rows(session, statement, now)
