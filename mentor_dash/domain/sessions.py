"""Session lifetime and sign-in lockout rules."""

import hashlib
import secrets
from datetime import datetime, timedelta

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=12)
# last_seen_at is written at most this often, so busy tabs don't write on every event.
TOUCH_INTERVAL = timedelta(seconds=60)

LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)

SIGN_IN_FAILED = "Wrong email or password."
SIGN_IN_LOCKED = (
    "Too many failed sign-in attempts for this email. Try again in 15 minutes "
    "or ask your program manager for help."
)
MAX_EMAIL_LENGTH = 254


def new_session_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def session_is_live(
    *, created_at: datetime, last_seen_at: datetime, revoked_at: datetime | None, now: datetime
) -> bool:
    if revoked_at is not None:
        return False
    if now >= created_at + ABSOLUTE_LIFETIME:
        return False
    return now < last_seen_at + IDLE_TIMEOUT


def needs_touch(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= TOUCH_INTERVAL


def is_locked_out(recent_failures: int) -> bool:
    return recent_failures >= LOCKOUT_FAILURES
