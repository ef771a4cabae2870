"""Coaches who may take over enrollments: registered for the program, active, available, with their load."""

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import NotAllowed, NotSignedIn
from mentor_dash.domain.validation import as_id, as_text
from mentor_dash.models import (
    Availability,
    CoachProfile,
    CoachRegistration,
    Enrollment,
    EnrollmentStatus,
    User,
)
from mentor_dash.selectors.guard import TargetKind, authorize

MAX_CANDIDATES = 50
MAX_SEARCH = 100


@dataclass(frozen=True)
class CoachCandidate:
    coach_id: int
    name: str
    email: str
    load: int
    available: bool
    current: bool


def _available():  # type: ignore[no-untyped-def]
    """Unavailable coaches are left out of every picker (a coach without a profile counts as available)."""
    return or_(CoachProfile.availability.is_(None), CoachProfile.availability != Availability.UNAVAILABLE)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def coach_candidates(
    *,
    session: Session,
    actor: Actor | None,
    enrollment_id: int,
    search: str = "",
    action: Action = Action.TRANSFER_COACH,
) -> list[CoachCandidate]:
    """Active, available coaches registered for the enrollment's program, by name, with their load there."""
    if action not in (Action.TRANSFER_COACH, Action.UNENROLL_WITH_HANDOVER):
        action = Action.TRANSFER_COACH
    enrollment_id = as_id(enrollment_id)
    authorize(session, actor, action, TargetKind.ENROLLMENT, enrollment_id)
    search = as_text(search, limit=MAX_SEARCH).lower()
    enrollment = session.get(Enrollment, enrollment_id)
    assert enrollment is not None
    load = (
        select(func.count())
        .where(
            Enrollment.coach_id == User.id,
            Enrollment.program_id == enrollment.program_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        .correlate(User)
        .scalar_subquery()
    )
    statement = (
        select(User.id, User.name, User.email, load.label("load"), CoachProfile.availability)
        .join(
            CoachRegistration,
            and_(
                CoachRegistration.coach_id == User.id, CoachRegistration.program_id == enrollment.program_id
            ),
        )
        .outerjoin(CoachProfile, CoachProfile.user_id == User.id)
        .where(
            User.organization_id == enrollment.organization_id,
            User.is_coach,
            User.is_active,
            _available(),
        )
    )
    if search:
        pattern = f"%{_escape_like(search)}%"
        statement = statement.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    rows = session.execute(statement.order_by(User.name, User.id).limit(MAX_CANDIDATES)).all()
    return [
        CoachCandidate(
            coach_id=cid,
            name=name,
            email=email,
            load=int(count),
            available=(availability or Availability.AVAILABLE) == Availability.AVAILABLE,
            current=cid == enrollment.coach_id,
        )
        for cid, name, email, count, availability in rows
    ]


@dataclass(frozen=True)
class ProgramCoach:
    coach_id: int
    name: str
    email: str
    load: int


def program_coach_candidates(
    *,
    session: Session,
    actor: Actor | None,
    program_id: int | None = None,
    replacing_coach_id: int | None = None,
    search: str = "",
) -> list[ProgramCoach]:
    """Coaches a manager may hand enrollments to in bulk, least loaded first.

    With a program: active, available coaches registered for it, with their load there. Without
    one (a coach's whole list moves): coaches registered for any program the replaced coach has
    active enrollments in, with their total load in those programs.
    """
    if actor is None:
        raise NotSignedIn()
    authorize(session, actor, Action.BULK_ASSIGN_COACHES, TargetKind.ORGANIZATION, actor.organization_id)
    search = as_text(search, limit=MAX_SEARCH).lower()
    if program_id is not None:
        program_id = as_id(program_id)
        authorize(session, actor, Action.BULK_ASSIGN_COACHES, TargetKind.PROGRAM, program_id)
        programs = [program_id]
    else:
        replacing_coach_id = as_id(replacing_coach_id)
        replaced = session.get(User, replacing_coach_id)
        if replaced is None or replaced.organization_id != actor.organization_id or not replaced.is_coach:
            raise NotAllowed(
                action=Action.BULK_ASSIGN_COACHES.value, target_type="user", target_id=replacing_coach_id
            )
        programs = list(
            session.execute(
                select(Enrollment.program_id)
                .where(
                    Enrollment.coach_id == replacing_coach_id, Enrollment.status == EnrollmentStatus.ACTIVE
                )
                .distinct()
            ).scalars()
        )
    if not programs:
        return []
    statement = (
        select(User.id, User.name, User.email)
        .outerjoin(CoachProfile, CoachProfile.user_id == User.id)
        .where(
            User.organization_id == actor.organization_id,
            User.is_coach,
            User.is_active,
            _available(),
            User.id.in_(select(CoachRegistration.coach_id).where(CoachRegistration.program_id.in_(programs))),
        )
    )
    if replacing_coach_id is not None:
        statement = statement.where(User.id != replacing_coach_id)
    if search:
        pattern = f"%{_escape_like(search)}%"
        statement = statement.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    coaches = session.execute(statement).all()
    # One grouped count for the programs, then sorted here: cheaper than a count per coach.
    loads = dict(
        session.execute(
            select(Enrollment.coach_id, func.count())
            .where(
                Enrollment.program_id.in_(programs),
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Enrollment.coach_id.is_not(None),
            )
            .group_by(Enrollment.coach_id)
        ).all()
    )
    ranked = sorted(coaches, key=lambda c: (loads.get(c[0], 0), c[1], c[0]))[:MAX_CANDIDATES]
    return [
        ProgramCoach(coach_id=cid, name=name, email=email, load=int(loads.get(cid, 0)))
        for cid, name, email in ranked
    ]
