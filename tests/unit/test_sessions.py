"""Session lifetime, lockout and token rules."""

from datetime import UTC, datetime, timedelta

from mentor_dash.domain.sessions import (
    is_locked_out,
    needs_touch,
    new_session_token,
    normalize_email,
    session_is_live,
    token_hash,
)

T0 = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def test_tokens_carry_at_least_128_random_bits_and_differ_every_time() -> None:
    tokens = {new_session_token() for _ in range(100)}

    assert len(tokens) == 100
    assert all(len(token) >= 43 for token in tokens)  # 32 bytes in URL-safe base64


def test_a_token_hash_does_not_reveal_the_token() -> None:
    token = new_session_token()

    assert token not in token_hash(token) and len(token_hash(token)) == 64


def test_a_session_lives_while_used_and_dies_when_idle_revoked_or_too_old() -> None:
    def live(**moments: timedelta | None) -> bool:
        revoked = moments.get("revoked")
        return session_is_live(
            created_at=T0,
            last_seen_at=T0 + moments.get("seen", timedelta()),  # type: ignore[operator]
            revoked_at=T0 + revoked if revoked is not None else None,
            now=T0 + moments["now"],  # type: ignore[operator]
        )

    assert live(now=timedelta(minutes=29))
    assert not live(now=timedelta(minutes=31))
    assert live(seen=timedelta(hours=11, minutes=50), now=timedelta(hours=11, minutes=55))
    assert not live(seen=timedelta(hours=11, minutes=59), now=timedelta(hours=12))
    assert not live(revoked=timedelta(minutes=1), now=timedelta(minutes=2))


def test_last_seen_is_written_at_most_once_a_minute() -> None:
    assert not needs_touch(T0, T0 + timedelta(seconds=30))
    assert needs_touch(T0, T0 + timedelta(seconds=61))


def test_five_failures_lock_and_four_do_not() -> None:
    assert not is_locked_out(4)
    assert is_locked_out(5)


def test_emails_compare_without_case_or_surrounding_space() -> None:
    assert normalize_email("  Maya@Example.COM ") == "maya@example.com"
