"""Changes to one's own account: display name, password, and a coach's contact details."""

import re
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import ValidationFailed
from mentor_dash.domain.passwords import check_password_rules, hash_password, verify_password
from mentor_dash.domain.sessions import LOCKOUT_WINDOW, SIGN_IN_LOCKED, is_locked_out
from mentor_dash.domain.validation import as_choice
from mentor_dash.models import AuditOutcome, Availability, CoachProfile, LoginAttempt, User
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.account import ContactDetails, own_id
from mentor_dash.selectors.guard import TargetKind, authorize
from mentor_dash.services.audit import audit_record
from mentor_dash.services.auth import auth_revoke_user_sessions

MAX_NAME = 200
MAX_PHONE = 40
MAX_EMAIL = 254
MAX_BIO = 2000
MAX_PASSWORD_INPUT = 1024
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 6, 15

NAME_EMPTY = "Enter your name."
NAME_TOO_LONG = f"Your name can have at most {MAX_NAME} characters."
CONTROL_CHARACTERS = "Remove the special (control) characters from the text."
WRONG_PASSWORD = "Your current password is not right."
PASSWORDS_DIFFER = "The new password and its repetition are not the same."
PASSWORD_UNCHANGED = "The new password must differ from the current one."
PHONE_FORMAT = (
    "Enter the phone number with digits, spaces and an optional leading +, "
    f"e.g. +31 6 1234 5678 ({MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits)."
)
PHONE_TOO_LONG = f"The phone number can have at most {MAX_PHONE} characters."
EMAIL_FORMAT = "Enter the contact email as name@example.com."
EMAIL_TOO_LONG = f"The contact email can have at most {MAX_EMAIL} characters."
BIO_TOO_LONG = f"The short bio can have at most {MAX_BIO} characters."
AVAILABILITY_CHOICE = "Choose available or unavailable."

_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Deliberately narrower than RFC 5322: this address ends up in mailto: links.
_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_PHONE = re.compile(r"^\+?[0-9(][0-9 ().-]*[0-9]$")


def _text(value: Any, *, limit: int, too_long: str, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationFailed("That value is not valid.")
    text = value.replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ValidationFailed(too_long)
    if (_TEXT_CONTROL if multiline else _LINE_CONTROL).search(text):
        raise ValidationFailed(CONTROL_CHARACTERS)
    return text


def clean_name(value: Any) -> str:
    name = " ".join(_text(value, limit=MAX_NAME, too_long=NAME_TOO_LONG).split())
    if not name:
        raise ValidationFailed(NAME_EMPTY)
    return name


def clean_phone(value: Any) -> str:
    """Empty, or digits with spaces, dots, dashes and brackets, 6 to 15 digits (E.164's maximum)."""
    phone = " ".join(_text(value, limit=MAX_PHONE, too_long=PHONE_TOO_LONG).split())
    if not phone:
        return ""
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE.match(phone) or not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        raise ValidationFailed(PHONE_FORMAT)
    return phone


def clean_contact_email(value: Any) -> str:
    email = _text(value, limit=MAX_EMAIL, too_long=EMAIL_TOO_LONG)
    if email and not _EMAIL.match(email):
        raise ValidationFailed(EMAIL_FORMAT)
    return email


def _own_user(session: Session, actor: Actor | None, action: Action) -> User:
    authorize(session, actor, action, TargetKind.USER, own_id(actor))
    user = session.get(User, own_id(actor))
    assert user is not None
    return user


def account_rename(*, session: Session, actor: Actor | None, name: str, now: datetime | None = None) -> str:
    """Change one's own display name; returns the name as stored."""
    user = _own_user(session, actor, Action.EDIT_OWN_PROFILE)
    new_name = clean_name(name)
    if new_name == user.name:
        return new_name
    before = user.name
    user.name = new_name
    audit_record(
        session,
        actor=actor,
        action=audit_actions.PROFILE_CHANGED,
        target_type="user",
        target_id=user.id,
        participant_id=user.id if user.is_participant else None,
        before={"name": before},
        after={"name": new_name},
        at=now,
    )
    return new_name


def _recent_failures(session: Session, email: str, now: datetime) -> int:
    return session.exec(
        select(func.count()).where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),  # type: ignore[attr-defined]
            LoginAttempt.attempted_at > now - LOCKOUT_WINDOW,
        )
    ).one()


def _password(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_PASSWORD_INPUT:
        raise ValidationFailed("That value is not valid.")
    return value


def account_password_change(
    *,
    session: Session,
    actor: Actor | None,
    current_password: str,
    new_password: str,
    new_password_repeat: str,
    keep_token: str,
    now: datetime | None = None,
) -> int:
    """Set a new password and end every other session of the user; returns how many were ended.

    A wrong current password raises WRONG_PASSWORD; the caller then records the failure with
    `account_password_failed` (this transaction is rolled back), which counts toward the
    sign-in lockout so the form cannot be used to guess the password.
    """
    now = now or utcnow()
    user = _own_user(session, actor, Action.EDIT_OWN_PROFILE)
    current, new, repeat = (
        _password(current_password),
        _password(new_password),
        _password(new_password_repeat),
    )
    if is_locked_out(_recent_failures(session, user.email, now)):
        raise ValidationFailed(SIGN_IN_LOCKED)
    if not verify_password(user.password_hash, current):
        raise ValidationFailed(WRONG_PASSWORD)
    if new != repeat:
        raise ValidationFailed(PASSWORDS_DIFFER)
    check_password_rules(new)
    if new == current:
        raise ValidationFailed(PASSWORD_UNCHANGED)
    user.password_hash = hash_password(new)
    ended = auth_revoke_user_sessions(
        session=session, user_id=user.id, keep_token=keep_token or None, now=now
    )
    audit_record(
        session,
        actor=actor,
        action=audit_actions.PASSWORD_CHANGED,
        target_type="user",
        target_id=user.id,
        after={"other_sessions_ended": ended},
        at=now,
    )
    return ended


def account_password_failed(*, session: Session, actor: Actor | None, now: datetime | None = None) -> None:
    """Record a wrong current password as a failed sign-in attempt (it counts toward the lockout)."""
    now = now or utcnow()
    user = _own_user(session, actor, Action.EDIT_OWN_PROFILE)
    session.add(LoginAttempt(email=user.email, succeeded=False, attempted_at=now))
    audit_record(
        session,
        actor=actor,
        action=audit_actions.PASSWORD_CHANGED,
        target_type="user",
        target_id=user.id,
        after={"reason": "wrong current password"},
        outcome=AuditOutcome.DENIED,
        at=now,
    )


def _contact_values(profile: CoachProfile | None) -> dict[str, str]:
    if profile is None:
        return {"phone": "", "contact_email": "", "bio": "", "availability": Availability.AVAILABLE.value}
    return {
        "phone": profile.phone,
        "contact_email": profile.contact_email,
        "bio": profile.bio,
        "availability": profile.availability,
    }


def contact_details_save(
    *,
    session: Session,
    actor: Actor | None,
    phone: str,
    contact_email: str,
    bio: str,
    availability: str,
    now: datetime | None = None,
) -> ContactDetails:
    """Save a coach's own contact card; unchanged values write nothing."""
    now = now or utcnow()
    user = _own_user(session, actor, Action.EDIT_CONTACT_DETAILS)
    try:
        chosen = as_choice(availability, {a.value for a in Availability})
    except ValidationFailed as error:
        raise ValidationFailed(AVAILABILITY_CHOICE) from error
    values = {
        "phone": clean_phone(phone),
        "contact_email": clean_contact_email(contact_email),
        "bio": _text(bio, limit=MAX_BIO, too_long=BIO_TOO_LONG, multiline=True),
        "availability": str(chosen),
    }
    profile = session.get(CoachProfile, user.id)
    before = _contact_values(profile)
    if profile is None:
        profile = CoachProfile(user_id=user.id)  # type: ignore[arg-type]
        session.add(profile)
    if values != before:
        for field, value in values.items():
            setattr(profile, field, value)
        profile.updated_at = now
        changed = [field for field in values if values[field] != before[field]]
        audit_record(
            session,
            actor=actor,
            action=audit_actions.CONTACT_DETAILS_CHANGED,
            target_type="user",
            target_id=user.id,
            before={field: before[field] for field in changed},
            after={field: values[field] for field in changed},
            at=now,
        )
    return ContactDetails(updated_at=profile.updated_at, **values)
