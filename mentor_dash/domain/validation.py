"""Checks for values that arrive from the browser: any handler can be called with anything."""

from collections.abc import Collection
from typing import Any, TypeVar

from mentor_dash.domain.errors import NotAllowed, ValidationFailed

MAX_ID = 2**31 - 1
T = TypeVar("T")

BAD_VALUE = "That value is not valid."
TEXT_TOO_LONG = "That text is too long (at most {limit} characters)."
MAX_SEARCH = 100
SEARCH_TOO_LONG = f"Search with at most {MAX_SEARCH} characters."
UNSTORABLE_TEXT = "That text contains a character that cannot be stored (a NUL byte)."


def as_id(value: Any) -> int:
    """A database id; anything else is refused like an id that does not exist."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise NotAllowed()
    return value


def as_int(value: Any, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(BAD_VALUE)
    return value


def as_choice(value: Any, choices: Collection[T]) -> T:
    if not isinstance(value, str | int) or isinstance(value, bool) or value not in choices:
        raise ValidationFailed(BAD_VALUE)
    return value  # type: ignore[return-value]


def as_text(value: Any, *, limit: int, strip: bool = True) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(BAD_VALUE)
    if len(value) > limit:
        raise ValidationFailed(TEXT_TOO_LONG.format(limit=limit))
    if "\x00" in value:
        # PostgreSQL cannot store NUL in text; refuse it the same way everywhere.
        raise ValidationFailed(UNSTORABLE_TEXT)
    return value.strip() if strip else value


def as_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed(BAD_VALUE)
    return value


def as_search(value: Any) -> str:
    """Text typed into a search box, kept as typed (spaces included)."""
    if not isinstance(value, str) or len(value) > MAX_SEARCH:
        raise ValidationFailed(SEARCH_TOO_LONG)
    return as_text(value, limit=MAX_SEARCH, strip=False)
