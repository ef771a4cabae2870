"""A participant choosing their mentor: the old mentorship ends (kept as history), a new one starts.

Only the participant themself chooses, and only one of the active coaches of their own
organisation. The audit event carries the organisation and participant, which is all the
mentor grids need to drop or add the participant live.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import Conflict, NotAllowed, ValidationFailed
from mentor_dash.domain.validation import as_id
from mentor_dash.models import Mentorship, User
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.account import MentorCard, mentor_card_of
from mentor_dash.selectors.guard import TargetKind, authorize
from mentor_dash.services.audit import audit_record

# One message for a missing id, another organisation's coach, an inactive coach and a non-coach:
# the answer must not tell which of these an id is.
NOT_CHOOSABLE = "Only an active coach of your organisation can be your mentor. Choose one from the list."
ALREADY_MENTOR = "{name} is already your mentor."
CHANGED_MEANWHILE = "Your mentor was changed at the same time in another tab. Check My Mentor and try again."


@dataclass(frozen=True)
class MentorChange:
    previous_mentor_id: int | None
    previous_mentor_name: str | None
    mentor: MentorCard


def _refused(mentor_id: object) -> NotAllowed:
    try:
        target: int | None = as_id(mentor_id)
    except NotAllowed:
        target = None  # not an id at all: nothing to name in the audit trail
    return NotAllowed(NOT_CHOOSABLE, action=Action.CHOOSE_MENTOR.value, target_type="user", target_id=target)


def _choosable_coach(session: Session, actor: Actor, mentor_id: object) -> User:
    try:
        wanted = as_id(mentor_id)
    except NotAllowed as error:
        raise _refused(mentor_id) from error
    coach = session.get(User, wanted)
    if (
        coach is None
        or coach.organization_id != actor.organization_id
        or not coach.is_coach
        or not coach.is_active
    ):
        raise _refused(wanted)
    return coach


def mentor_choose(
    *,
    session: Session,
    actor: Actor | None,
    participant_id: int,
    mentor_id: int,
    now: datetime | None = None,
) -> MentorChange:
    """Make `mentor_id` the participant's mentor; the participant must be the actor."""
    now = now or utcnow()
    authorize(session, actor, Action.CHOOSE_MENTOR, TargetKind.USER, as_id(participant_id))
    assert actor is not None
    coach = _choosable_coach(session, actor, mentor_id)
    current = session.exec(
        select(Mentorship).where(
            Mentorship.participant_id == participant_id,
            Mentorship.ended_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    if current is not None and current.mentor_id == coach.id:
        raise ValidationFailed(ALREADY_MENTOR.format(name=coach.name))
    previous = session.get(User, current.mentor_id) if current is not None else None
    if current is not None:
        ended = session.execute(
            update(Mentorship)
            .where(Mentorship.id == current.id, Mentorship.ended_at.is_(None))  # type: ignore[union-attr]
            .values(ended_at=now)
        ).rowcount
        if ended != 1:
            raise Conflict(CHANGED_MEANWHILE)
    session.add(
        Mentorship(
            organization_id=actor.organization_id,
            participant_id=participant_id,
            mentor_id=coach.id,
            started_at=now,
        )
    )
    session.flush()
    audit_record(
        session,
        actor=actor,
        action=audit_actions.MENTOR_CHANGED,
        target_type="participant",
        target_id=participant_id,
        participant_id=participant_id,
        organization_id=actor.organization_id,
        before={
            "mentor_id": previous.id if previous else None,
            "mentor_name": previous.name if previous else None,
        },
        after={"mentor_id": coach.id, "mentor_name": coach.name},
        at=now,
    )
    assert coach.id is not None
    return MentorChange(
        previous_mentor_id=previous.id if previous else None,
        previous_mentor_name=previous.name if previous else None,
        mentor=mentor_card_of(session, coach.id, now),
    )
