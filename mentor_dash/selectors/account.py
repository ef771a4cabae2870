"""The signed-in user's own account: profile, a coach's contact details, a participant's mentor card.

Everything here is about the actor themself; the mentor card is the one place a participant sees
another person's details, and only the contact details that coach chose to show.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import NotSignedIn
from mentor_dash.models import Availability, CoachProfile, Mentorship, User
from mentor_dash.selectors.guard import TargetKind, authorize


@dataclass(frozen=True)
class Profile:
    user_id: int
    name: str
    email: str
    is_participant: bool
    is_coach: bool
    is_manager: bool


@dataclass(frozen=True)
class ContactDetails:
    phone: str
    contact_email: str
    bio: str
    availability: str
    updated_at: datetime | None


@dataclass(frozen=True)
class MentorCard:
    mentor_id: int
    name: str
    initials: str
    contact_email: str
    phone: str
    bio: str
    availability: str
    is_active: bool
    since: datetime


@dataclass(frozen=True)
class AccountPage:
    profile: Profile
    contact: ContactDetails | None  # coaches only
    mentor: MentorCard | None  # participants with a mentor only


EMPTY_CONTACT = ContactDetails(
    phone="", contact_email="", bio="", availability=Availability.AVAILABLE.value, updated_at=None
)


def own_id(actor: Actor | None) -> int:
    """The actor's own user id; no actor means no session."""
    if actor is None:
        raise NotSignedIn()
    return actor.user_id


def initials(name: str) -> str:
    """Up to two letters for the photo placeholder: first and last word."""
    words = [word for word in name.split() if word[:1].isalpha()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def account_profile(*, session: Session, actor: Actor | None) -> Profile:
    authorize(session, actor, Action.EDIT_OWN_PROFILE, TargetKind.USER, own_id(actor))
    user = session.get(User, own_id(actor))
    assert user is not None and user.id is not None
    return Profile(user.id, user.name, user.email, user.is_participant, user.is_coach, user.is_manager)


def account_contact_details(*, session: Session, actor: Actor | None) -> ContactDetails:
    """A coach's own contact details as participants will see them (empty until saved)."""
    authorize(session, actor, Action.EDIT_CONTACT_DETAILS, TargetKind.USER, own_id(actor))
    profile = session.get(CoachProfile, own_id(actor))
    if profile is None:
        return EMPTY_CONTACT
    return ContactDetails(
        phone=profile.phone,
        contact_email=profile.contact_email,
        bio=profile.bio,
        availability=profile.availability,
        updated_at=profile.updated_at,
    )


def mentor_card_of(session: Session, mentor_id: int, since: datetime) -> MentorCard:
    """The contact card of a coach (the caller has established that the viewer may see it)."""
    row = session.execute(
        select(
            User.id,
            User.name,
            User.is_active,
            CoachProfile.contact_email,
            CoachProfile.phone,
            CoachProfile.bio,
            CoachProfile.availability,
        )
        .outerjoin(CoachProfile, CoachProfile.user_id == User.id)
        .where(User.id == mentor_id)
    ).one()
    user_id, name, is_active, contact_email, phone, bio, availability = row
    return MentorCard(
        mentor_id=user_id,
        name=name,
        initials=initials(name),
        contact_email=contact_email or "",
        phone=phone or "",
        bio=bio or "",
        availability=availability or Availability.AVAILABLE.value,
        is_active=bool(is_active),
        since=since,
    )


def account_mentor_card(*, session: Session, actor: Actor | None) -> MentorCard | None:
    """The participant's current mentor, or None when they have not chosen one."""
    authorize(session, actor, Action.CHOOSE_MENTOR, TargetKind.USER, own_id(actor))
    current = session.execute(
        select(Mentorship.mentor_id, Mentorship.started_at).where(
            Mentorship.participant_id == own_id(actor),
            Mentorship.ended_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    if current is None:
        return None
    return mentor_card_of(session, current[0], current[1])


def account_page(*, session: Session, actor: Actor | None) -> AccountPage:
    """What My Account shows: the profile, and the tabs that go with the actor's hats."""
    profile = account_profile(session=session, actor=actor)
    assert actor is not None
    return AccountPage(
        profile=profile,
        contact=account_contact_details(session=session, actor=actor) if actor.is_coach else None,
        mentor=account_mentor_card(session=session, actor=actor) if actor.is_participant else None,
    )
