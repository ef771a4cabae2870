"""What a live loop keeps between polls: plain values, never proxies that hold a tab's whole state."""

import dataclasses

import pytest
import reflex as rx
from reflex.istate.proxy import MutableProxy
from reflex.state import State

import mentor_dash.mentor_dash  # noqa: F401  (registers every page state)
from mentor_dash.pages.coach_workspace import state as workspace
from mentor_dash.pages.participant_grid import state as grid


def substate(cls: type[rx.State]) -> rx.State:
    root = State(_reflex_internal_init=True)
    return root.get_substate(cls.get_full_name().split("."))


@pytest.mark.parametrize("cls", [grid.MentorGridState, grid.ManagerGridState])
def test_a_grid_snapshot_holds_the_shown_rows_themselves(cls: type[rx.State]) -> None:
    page = substate(cls)
    page.rows = [grid.RowView(id=1, name="Ada"), grid.RowView(id=2, name="Bo")]
    assert isinstance(page.rows[0], MutableProxy)

    _, shown = page._live_snapshot()

    assert [type(row) for row in shown.values()] == [grid.RowView, grid.RowView]
    assert [row.name for row in shown.values()] == ["Ada", "Bo"]


def test_a_coach_workspace_snapshot_holds_the_shown_rows_themselves() -> None:
    page = substate(workspace.CoachWorkspaceState)
    page.rows = [workspace.RowView(enrollment_id=5, name="Ada")]

    _, _, shown, _ = page._live_snapshot()

    assert type(shown[5]) is workspace.RowView
    assert dataclasses.asdict(shown[5])["name"] == "Ada"
