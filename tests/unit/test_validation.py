"""Browser-sent values are checked before anything uses them."""

import pytest

from mentor_dash.domain.errors import NotAllowed, ValidationFailed
from mentor_dash.domain.validation import (
    SEARCH_TOO_LONG,
    as_bool,
    as_choice,
    as_id,
    as_int,
    as_search,
    as_text,
)


@pytest.mark.parametrize("value", [True, False, "5", [5], {}, -1, 0, 2**63, 5.0, None])
def test_anything_but_a_positive_int_in_range_is_not_an_id(value: object) -> None:
    with pytest.raises(NotAllowed):
        as_id(value)


def test_a_positive_int_is_an_id() -> None:
    assert as_id(5) == 5


def test_numbers_must_lie_in_their_range() -> None:
    assert as_int(50, low=25, high=100) == 50
    with pytest.raises(ValidationFailed):
        as_int(1000, low=25, high=100)
    with pytest.raises(ValidationFailed):
        as_int(True, low=0, high=1)


def test_choices_come_from_a_whitelist() -> None:
    assert as_choice("name", {"name", "xp"}) == "name"
    for forged in ("name; drop table", ["name"], None, True):
        with pytest.raises(ValidationFailed):
            as_choice(forged, {"name", "xp"})


def test_text_is_bounded_and_must_be_text() -> None:
    assert as_text("  hi  ", limit=10) == "hi"
    with pytest.raises(ValidationFailed):
        as_text("x" * 1_000_000, limit=200)
    with pytest.raises(ValidationFailed):
        as_text(5, limit=10)


def test_booleans_are_booleans() -> None:
    assert as_bool(True) is True
    with pytest.raises(ValidationFailed):
        as_bool("true")


def test_search_text_is_kept_as_typed_and_refused_when_too_long_or_not_text() -> None:
    assert as_search(" de ") == " de "
    for forged in ("x" * 101, 5, None, ["de"], "a\x00b"):
        with pytest.raises(ValidationFailed):
            as_search(forged)
    with pytest.raises(ValidationFailed, match=SEARCH_TOO_LONG):
        as_search("x" * 101)
