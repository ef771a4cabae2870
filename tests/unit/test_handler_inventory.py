"""Deny by default: every event handler of the app is public on purpose or covered by a rule.

The browser can call any handler by name with any arguments. A handler added without an
access marker, or marked with an action the permission matrix does not test, breaks the build.
"""

import reflex as rx

import mentor_dash.mentor_dash  # noqa: F401  (imports every page and its state)
from mentor_dash.domain.access import Action
from mentor_dash.session_gate import _FRAMEWORK_PUBLIC, _all_states, handler_access, public_event_names
from mentor_dash.state import PUBLIC, SIGNED_IN
from tests.integration.test_permission_matrix import TABLE

# Page-level actions are decided by the page guard and tested by the browser tests.
PAGE_ACTIONS = {
    Action.VIEW_MENTOR_OVERVIEW,
    Action.VIEW_COACH_WORKSPACE,
    Action.VIEW_MANAGER_OVERVIEW,
    Action.VIEW_COACH_LIST,
}
# Handlers that signed-out visitors may call; anything else public is a hole.
EXPECTED_PUBLIC = {
    "SessionState.check_session",
    "LoginState.sign_in",
    "LoginState.clear_error",
}


def app_handlers() -> list[tuple[type[rx.State], str]]:
    """Every handler of the app's states except the generic setter, which the gate refuses outright."""
    return [
        (state, name)
        for state in _all_states()
        if state.__module__.startswith("mentor_dash.")
        for name in state.event_handlers
        if name != "setvar"
    ]


def test_every_handler_of_the_app_carries_an_access_marker() -> None:
    unmarked = [
        f"{state.__name__}.{name}" for state, name in app_handlers() if handler_access(state, name) is None
    ]

    assert app_handlers(), "no handlers found: the inventory would prove nothing"
    assert unmarked == []


def test_only_the_sign_in_handlers_and_the_page_guard_are_public() -> None:
    public = {
        f"{state.__name__}.{name}" for state, name in app_handlers() if handler_access(state, name) == PUBLIC
    }

    assert public == EXPECTED_PUBLIC


def test_every_action_named_by_a_handler_is_a_cell_of_the_permission_matrix() -> None:
    named = {
        action
        for state, name in app_handlers()
        if isinstance(marker := handler_access(state, name), tuple)
        for action in marker
    }

    assert named <= set(TABLE) | PAGE_ACTIONS


def test_markers_are_only_public_signed_in_or_actions() -> None:
    for state, name in app_handlers():
        marker = handler_access(state, name)
        assert marker in (PUBLIC, SIGNED_IN) or (
            isinstance(marker, tuple) and marker and all(isinstance(a, Action) for a in marker)
        ), f"{state.__name__}.{name}"


def test_the_gate_lets_through_only_framework_plumbing_and_the_expected_public_handlers() -> None:
    framework = {f"{cls.get_full_name()}.{name}" for cls, name in _FRAMEWORK_PUBLIC}
    app_public = public_event_names() - framework

    expected = {
        f"{state.get_full_name()}.{name}"
        for state, name in app_handlers()
        if f"{state.__name__}.{name}" in EXPECTED_PUBLIC
    }

    assert app_public == expected
    assert not any(name.endswith(".setvar") for name in public_event_names())
