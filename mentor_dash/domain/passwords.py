"""Password rules and argon2id hashing."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mentor_dash.domain.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128

PASSWORD_TOO_SHORT = f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
PASSWORD_TOO_LONG = f"The password must have at most {MAX_PASSWORD_LENGTH} characters."

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(PASSWORD_TOO_SHORT)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(PASSWORD_TOO_LONG)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
