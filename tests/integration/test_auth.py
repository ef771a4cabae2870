"""Sign-in, sessions, lockout and revocation against a real database."""

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from mentor_dash.domain import audit_actions
from mentor_dash.domain.sessions import IDLE_TIMEOUT, SIGN_IN_FAILED, SIGN_IN_LOCKED, token_hash
from mentor_dash.models import AuditEvent, AuditOutcome, AuthSession, Organization, User
from mentor_dash.services.auth import (
    auth_live_tokens,
    auth_resolve,
    auth_revoke_user_sessions,
    auth_sign_in,
    auth_sign_out,
)
from tests import factories
from tests.factories import PASSWORD


@pytest.fixture
def member(engine: Engine) -> User:
    with Session(engine, expire_on_commit=False) as session:
        org = factories.organization(session)
        person = factories.coach(session, org, email="ada@test.example", name="Ada")
        session.commit()
        return person


def sign_in(engine: Engine, email: str, password: str, **kwargs: object):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        outcome = auth_sign_in(session=session, email=email, password=password, **kwargs)  # type: ignore[arg-type]
        session.commit()
        return outcome


def resolve(engine: Engine, token: str, **kwargs: object):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        actor = auth_resolve(session=session, token=token, **kwargs)  # type: ignore[arg-type]
        session.commit()
        return actor


def actions(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return [(e.action, e.outcome) for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


def test_signing_in_with_the_right_password_starts_a_session_stored_only_as_a_hash(
    engine: Engine, member: User
) -> None:
    outcome = sign_in(engine, "ADA@test.example ", PASSWORD)

    assert outcome.ok and outcome.token and len(outcome.token) >= 43
    with Session(engine) as session:
        stored = session.exec(select(AuthSession)).one()
    assert stored.token_hash == token_hash(outcome.token)
    assert outcome.token not in stored.token_hash
    assert resolve(engine, outcome.token).user_id == member.id
    assert (audit_actions.SIGN_IN, AuditOutcome.OK) in actions(engine)


def test_every_sign_in_gets_a_new_token(engine: Engine, member: User) -> None:
    first = sign_in(engine, member.email, PASSWORD)
    second = sign_in(engine, member.email, PASSWORD)

    assert first.token != second.token


def test_a_wrong_email_and_a_wrong_password_get_the_same_message(engine: Engine, member: User) -> None:
    wrong_password = sign_in(engine, member.email, "not the password")
    wrong_email = sign_in(engine, "nobody@test.example", PASSWORD)

    assert not wrong_password.ok and not wrong_email.ok
    assert wrong_password.message == wrong_email.message == SIGN_IN_FAILED
    assert actions(engine).count((audit_actions.SIGN_IN_FAILED, AuditOutcome.DENIED)) == 2


def test_five_failures_lock_the_email_for_fifteen_minutes_even_with_the_right_password(
    engine: Engine, member: User
) -> None:
    start = factories.now()
    for minute in range(5):
        sign_in(engine, member.email, "wrong password", now=start + timedelta(minutes=minute))

    locked = sign_in(engine, member.email, PASSWORD, now=start + timedelta(minutes=6))
    later = sign_in(engine, member.email, PASSWORD, now=start + timedelta(minutes=20))

    assert locked.message == SIGN_IN_LOCKED and not locked.ok
    assert later.ok


def test_four_failures_do_not_lock_the_email(engine: Engine, member: User) -> None:
    for _ in range(4):
        sign_in(engine, member.email, "wrong password")

    assert sign_in(engine, member.email, PASSWORD).ok


def test_a_deactivated_user_cannot_sign_in_and_their_open_sessions_stop_working(
    engine: Engine, member: User
) -> None:
    token = sign_in(engine, member.email, PASSWORD).token
    with Session(engine) as session:
        session.get(User, member.id).is_active = False  # type: ignore[union-attr]
        session.commit()

    assert resolve(engine, token) is None
    assert sign_in(engine, member.email, PASSWORD).message == SIGN_IN_FAILED


def test_signing_out_revokes_the_session(engine: Engine, member: User) -> None:
    token = sign_in(engine, member.email, PASSWORD).token
    with Session(engine) as session:
        assert auth_sign_out(session=session, token=token)
        session.commit()

    assert resolve(engine, token) is None
    assert (audit_actions.SIGN_OUT, AuditOutcome.OK) in actions(engine)


def test_a_session_idle_for_thirty_minutes_expires(engine: Engine, member: User) -> None:
    start = factories.now()
    token = sign_in(engine, member.email, PASSWORD, now=start).token

    assert resolve(engine, token, now=start + IDLE_TIMEOUT - timedelta(seconds=5)) is not None
    assert resolve(engine, token, now=start + 2 * IDLE_TIMEOUT) is None


def test_activity_keeps_a_session_alive_but_never_past_twelve_hours(engine: Engine, member: User) -> None:
    start = factories.now()
    token = sign_in(engine, member.email, PASSWORD, now=start).token

    for step in range(1, 36):  # every 20 minutes up to 11h40
        assert resolve(engine, token, now=start + step * timedelta(minutes=20)) is not None
    assert resolve(engine, token, now=start + timedelta(hours=12, minutes=1)) is None


def test_a_check_the_server_makes_on_its_own_does_not_keep_a_session_alive(
    engine: Engine, member: User
) -> None:
    start = factories.now()
    token = sign_in(engine, member.email, PASSWORD, now=start).token

    # A live page checks the session every few seconds while its user is away.
    assert resolve(engine, token, now=start + timedelta(minutes=20), touch=False) is not None
    assert resolve(engine, token, now=start + IDLE_TIMEOUT + timedelta(seconds=1), touch=False) is None
    assert resolve(engine, token, now=start + IDLE_TIMEOUT + timedelta(seconds=2)) is None


def test_revoking_a_users_sessions_keeps_only_the_current_one(engine: Engine, member: User) -> None:
    current = sign_in(engine, member.email, PASSWORD).token
    other = sign_in(engine, member.email, PASSWORD).token
    with Session(engine) as session:
        ended = auth_revoke_user_sessions(session=session, user_id=member.id, keep_token=current)
        session.commit()

    assert ended == 1
    assert resolve(engine, current) is not None
    assert resolve(engine, other) is None


@pytest.mark.parametrize("token", ["", "x" * 10_000, "made-up-token"])
def test_unknown_or_malformed_tokens_resolve_to_nobody(engine: Engine, member: User, token: str) -> None:
    assert resolve(engine, token) is None


def test_passwords_are_stored_only_as_argon2id_hashes(engine: Engine, member: User) -> None:
    with Session(engine) as session:
        stored = session.get(User, member.id).password_hash  # type: ignore[union-attr]

    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_the_database_refuses_to_change_or_delete_audit_events(engine: Engine, member: User) -> None:
    sign_in(engine, member.email, PASSWORD)

    for statement in ("UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert actions(engine) == [(audit_actions.SIGN_IN, AuditOutcome.OK)]


def test_one_check_tells_which_of_many_sessions_still_hold_without_keeping_any_alive(
    engine: Engine, member: User
) -> None:
    start = factories.now()
    live = sign_in(engine, member.email, PASSWORD, now=start).token
    signed_out = sign_in(engine, member.email, PASSWORD, now=start).token
    with Session(engine) as session:
        auth_sign_out(session=session, token=signed_out, now=start)
        other = factories.coach(
            session, session.get(Organization, member.organization_id), email="bo@test.example"
        )
        session.commit()
        other_email = other.email
    deactivated = sign_in(engine, other_email, PASSWORD, now=start).token
    with Session(engine) as session:
        session.exec(select(User).where(User.email == other_email)).one().is_active = False
        session.commit()
    tokens = [live, signed_out, deactivated, "made-up-token", "", "x" * 10_000]

    with Session(engine) as session:
        soon = auth_live_tokens(session=session, tokens=tokens, now=start + timedelta(minutes=20))
        later = auth_live_tokens(
            session=session, tokens=tokens, now=start + IDLE_TIMEOUT + timedelta(seconds=1)
        )

    assert soon == {live}
    assert later == set()
