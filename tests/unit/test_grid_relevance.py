"""Which changes a live grid may skip without a reload."""

import pytest

from mentor_dash.domain.grid import only_shown_rows_can_change


@pytest.mark.parametrize("sort", ["name", "expiry"])
def test_progress_under_a_name_or_expiry_order_can_only_change_rows_on_show(sort: str) -> None:
    assert only_shown_rows_can_change(progress_only=True, sort=sort, exam="all")


@pytest.mark.parametrize("sort", ["xp", "activity"])
def test_progress_can_move_anyone_onto_a_page_ordered_by_xp_or_activity(sort: str) -> None:
    assert not only_shown_rows_can_change(progress_only=True, sort=sort, exam="all")


@pytest.mark.parametrize("exam", ["released", "submitted", "passed", "failed", "warning"])
def test_progress_can_move_anyone_into_or_out_of_an_exam_filter(exam: str) -> None:
    assert not only_shown_rows_can_change(progress_only=True, sort="name", exam=exam)


def test_any_other_change_can_move_anyone_and_any_total() -> None:
    assert not only_shown_rows_can_change(progress_only=False, sort="name", exam="all")
