"""A program manager marks a coach available or unavailable (e.g. on leave).

Unavailable coaches keep what they coach until it is transferred, but pickers stop offering
them and `services.coaching.eligible_coach` refuses them for new assignments.
"""

from datetime import datetime

from sqlmodel import Session

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import NotAllowed, NotSignedIn
from mentor_dash.domain.validation import as_bool, as_id
from mentor_dash.models import Availability, CoachProfile, User
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.guard import TargetKind, authorize
from mentor_dash.services.audit import audit_record


def coach_of_organization(session: Session, actor: Actor, coach_id: int, action: Action) -> User:
    """A coach of the actor's organisation; anyone else (or nobody) is refused like a forbidden target."""
    coach = session.get(User, coach_id)
    if coach is None or coach.organization_id != actor.organization_id or not coach.is_coach:
        raise NotAllowed(action=action.value, target_type="user", target_id=coach_id)
    return coach


def coach_set_availability(
    *,
    session: Session,
    actor: Actor | None,
    coach_id: int,
    available: bool,
    now: datetime | None = None,
) -> Availability:
    """Mark a coach of the organisation (un)available; setting the current value writes nothing."""
    now = now or utcnow()
    if actor is None:
        raise NotSignedIn()
    coach_id = as_id(coach_id)
    authorize(session, actor, Action.MANAGE_COACHES, TargetKind.ORGANIZATION, actor.organization_id)
    authorize(session, actor, Action.MANAGE_COACHES, TargetKind.USER, coach_id)
    coach_of_organization(session, actor, coach_id, Action.MANAGE_COACHES)
    wanted = Availability.AVAILABLE if as_bool(available) else Availability.UNAVAILABLE
    profile = session.get(CoachProfile, coach_id)
    current = Availability(profile.availability) if profile else Availability.AVAILABLE
    if current == wanted:
        return wanted
    if profile is None:
        profile = CoachProfile(user_id=coach_id)
    profile.availability = wanted
    profile.updated_at = now
    session.add(profile)
    audit_record(
        session,
        actor=actor,
        action=audit_actions.COACH_AVAILABILITY_CHANGED,
        target_type="user",
        target_id=coach_id,
        before={"availability": current.value},
        after={"availability": wanted.value},
        at=now,
    )
    return wanted
