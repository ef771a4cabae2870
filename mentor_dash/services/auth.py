"""Sign-in, sign-out, session resolution and revocation."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Actor
from mentor_dash.domain.passwords import hash_password, needs_rehash, verify_password
from mentor_dash.domain.sessions import (
    ABSOLUTE_LIFETIME,
    LOCKOUT_WINDOW,
    MAX_EMAIL_LENGTH,
    SIGN_IN_FAILED,
    SIGN_IN_LOCKED,
    is_locked_out,
    needs_touch,
    new_session_token,
    normalize_email,
    session_is_live,
    token_hash,
)
from mentor_dash.models import AuditOutcome, AuthSession, LoginAttempt, User
from mentor_dash.models._types import utcnow
from mentor_dash.services.audit import audit_record

# Verifying against a real hash when the email is unknown keeps both refusals equally slow.
_UNKNOWN_USER_HASH = hash_password("no such user: timing equaliser")
MAX_PASSWORD_INPUT = 1024


@dataclass(frozen=True)
class SignInOutcome:
    token: str | None
    user_id: int | None
    message: str

    @property
    def ok(self) -> bool:
        return self.token is not None


# A user's columns in the order of Actor's fields, for reads that build actors without entities.
_ACTOR_COLUMNS = (
    User.id,
    User.organization_id,
    User.name,
    User.is_active,
    User.is_participant,
    User.is_coach,
    User.is_manager,
)


def actor_from_user(user: User) -> Actor:
    assert user.id is not None
    return Actor(
        user_id=user.id,
        organization_id=user.organization_id,
        name=user.name,
        is_active=user.is_active,
        is_participant=user.is_participant,
        is_coach=user.is_coach,
        is_manager=user.is_manager,
    )


def _recent_failures(session: Session, email: str, now: datetime) -> int:
    return session.exec(
        select(func.count()).where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),  # type: ignore[attr-defined]
            LoginAttempt.attempted_at > now - LOCKOUT_WINDOW,
        )
    ).one()


def auth_sign_in(
    *, session: Session, email: str, password: str, now: datetime | None = None
) -> SignInOutcome:
    """Check the credentials; on success start a new session. The caller commits."""
    now = now or utcnow()
    email = normalize_email(email.replace("\x00", ""))[:MAX_EMAIL_LENGTH]
    password = password[:MAX_PASSWORD_INPUT]
    user = session.exec(select(User).where(User.email == email)).first()
    actor = actor_from_user(user) if user is not None else None

    if is_locked_out(_recent_failures(session, email, now)):
        audit_record(
            session,
            actor=actor,
            action=audit_actions.SIGN_IN_FAILED,
            target_type="user",
            target_id=actor.user_id if actor else None,
            after={"email": email, "reason": "locked"},
            outcome=AuditOutcome.DENIED,
            at=now,
        )
        return SignInOutcome(None, None, SIGN_IN_LOCKED)

    password_ok = verify_password(user.password_hash if user else _UNKNOWN_USER_HASH, password)
    if user is None or not password_ok or not user.is_active:
        session.add(LoginAttempt(email=email, succeeded=False, attempted_at=now))
        audit_record(
            session,
            actor=actor,
            action=audit_actions.SIGN_IN_FAILED,
            target_type="user",
            target_id=actor.user_id if actor else None,
            after={"email": email},
            outcome=AuditOutcome.DENIED,
            at=now,
        )
        return SignInOutcome(None, None, SIGN_IN_FAILED)

    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token = new_session_token()
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + ABSOLUTE_LIFETIME,
        )
    )
    session.add(LoginAttempt(email=email, succeeded=True, attempted_at=now))
    audit_record(
        session, actor=actor, action=audit_actions.SIGN_IN, target_type="user", target_id=user.id, at=now
    )
    return SignInOutcome(token, user.id, "")


# Tokens are 43 characters; anything far longer is refused before it is hashed.
MAX_TOKEN_LENGTH = 200


def _plausible(token: str) -> bool:
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH


def _holds(
    *,
    is_active: bool,
    created_at: datetime,
    last_seen_at: datetime,
    revoked_at: datetime | None,
    now: datetime,
) -> bool:
    """A session opens the app while its user is active and it has neither ended nor idled out."""
    return is_active and session_is_live(
        created_at=created_at, last_seen_at=last_seen_at, revoked_at=revoked_at, now=now
    )


def auth_resolve(
    *, session: Session, token: str, now: datetime | None = None, touch: bool = True
) -> Actor | None:
    """The actor behind a session token, or None if it is unknown, expired, revoked or deactivated.

    `touch` records the use, which keeps the session from idling out: true for the user's own
    events, false for checks the server makes on its own (a live page following changes).
    """
    if not _plausible(token):
        return None
    now = now or utcnow()
    # Plain columns, not entities: this runs for every event of every tab.
    row = session.execute(
        select(
            AuthSession.id,
            AuthSession.created_at,
            AuthSession.last_seen_at,
            AuthSession.revoked_at,
            *_ACTOR_COLUMNS,
        )
        .join(User, User.id == AuthSession.user_id)  # type: ignore[arg-type]
        .where(AuthSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    auth_id, created_at, last_seen_at, revoked_at, *user = row
    actor = Actor(*user)
    if not _holds(
        is_active=actor.is_active,
        created_at=created_at,
        last_seen_at=last_seen_at,
        revoked_at=revoked_at,
        now=now,
    ):
        return None
    if touch and needs_touch(last_seen_at, now):
        session.execute(
            update(AuthSession)
            .where(AuthSession.id == auth_id, AuthSession.last_seen_at < now)  # type: ignore[arg-type]
            .values(last_seen_at=now)
        )
    return actor


def auth_live_tokens(*, session: Session, tokens: list[str], now: datetime | None = None) -> set[str]:
    """Which of these tokens still open a session, in one query; a check the server makes on its
    own (live pages following changes), so it never counts as the users' activity."""
    now = now or utcnow()
    by_hash = {token_hash(token): token for token in tokens if _plausible(token)}
    if not by_hash:
        return set()
    rows = session.execute(
        select(
            AuthSession.token_hash,
            AuthSession.created_at,
            AuthSession.last_seen_at,
            AuthSession.revoked_at,
            User.is_active,
        )
        .join(User, User.id == AuthSession.user_id)  # type: ignore[arg-type]
        .where(AuthSession.token_hash.in_(list(by_hash)))  # type: ignore[attr-defined]
    )
    return {
        by_hash[hashed]
        for hashed, created_at, last_seen_at, revoked_at, is_active in rows
        if _holds(
            is_active=is_active,
            created_at=created_at,
            last_seen_at=last_seen_at,
            revoked_at=revoked_at,
            now=now,
        )
    }


def auth_sign_out(*, session: Session, token: str, now: datetime | None = None) -> bool:
    """Revoke the session behind the token; True if there was a live one."""
    now = now or utcnow()
    if not _plausible(token):
        return False
    auth = session.exec(select(AuthSession).where(AuthSession.token_hash == token_hash(token))).first()
    if auth is None or auth.revoked_at is not None:
        return False
    auth.revoked_at = now
    user = session.get(User, auth.user_id)
    actor = actor_from_user(user) if user is not None else None
    audit_record(
        session,
        actor=actor,
        action=audit_actions.SIGN_OUT,
        target_type="user",
        target_id=auth.user_id,
        at=now,
    )
    return True


def auth_revoke_user_sessions(
    *, session: Session, user_id: int, keep_token: str | None = None, now: datetime | None = None
) -> int:
    """End every live session of a user (password change, deactivation); returns how many."""
    now = now or utcnow()
    statement = update(AuthSession).where(
        AuthSession.user_id == user_id,
        AuthSession.revoked_at.is_(None),  # type: ignore[union-attr]
    )
    if keep_token:
        statement = statement.where(AuthSession.token_hash != token_hash(keep_token))
    result = session.execute(statement.values(revoked_at=now))
    return result.rowcount or 0
