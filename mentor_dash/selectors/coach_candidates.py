"""Coaches who may take over one enrollment: registered for its program, with their current load."""

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor
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
    """Active coaches registered for the enrollment's program, least loaded first within a name search."""
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
        .where(User.organization_id == enrollment.organization_id, User.is_coach, User.is_active)
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
