"""Password rules and hashing."""

import pytest

from mentor_dash.domain.errors import ValidationFailed
from mentor_dash.domain.passwords import check_password_rules, hash_password, needs_rehash, verify_password


def test_passwords_hash_with_argon2id_and_verify() -> None:
    stored = hash_password("long enough")

    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "long enough")
    assert not verify_password(stored, "long enougH")
    assert not needs_rehash(stored)


def test_a_garbled_hash_never_verifies() -> None:
    assert not verify_password("not a hash", "whatever")


@pytest.mark.parametrize("password", ["12345678", "x" * 64, "x" * 128, "ünïcödé pass", "no rules at all"])
def test_eight_to_128_characters_of_anything_are_accepted(password: str) -> None:
    check_password_rules(password)


@pytest.mark.parametrize("password", ["", "1234567", "x" * 129])
def test_too_short_or_too_long_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationFailed):
        check_password_rules(password)
