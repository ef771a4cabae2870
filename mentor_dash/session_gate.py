"""The central gate: no event from a signed-out or expired session reaches a handler,
except the few that must be public (hydration, client storage sync, sign-in, the page guard).
"""

import logging
from typing import TYPE_CHECKING

import reflex as rx
from reflex.state import (
    FrontendEventExceptionState,
    OnLoadInternalState,
    State,
    StateUpdate,
    UpdateVarsInternalState,
)
from reflex_base.event import Event

from mentor_dash import routes
from mentor_dash.domain.errors import Unavailable
from mentor_dash.state import PUBLIC, SessionState, _safe_next, resolve_actor

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState

logger = logging.getLogger(__name__)

# Reflex's own plumbing: hydration, the page's on_load chain, cookies arriving from the browser.
_FRAMEWORK_PUBLIC: list[tuple[type[rx.State], str]] = [
    (State, "hydrate"),
    (State, "hydrate_and_load"),
    (State, "set_is_hydrated"),
    (OnLoadInternalState, "on_load_internal"),
    (OnLoadInternalState, "set_is_hydrated"),
    (UpdateVarsInternalState, "update_vars_internal"),
    (FrontendEventExceptionState, "handle_frontend_exception"),
]


def _all_states(root: type[rx.State] = State) -> list[type[rx.State]]:
    found = [root]
    for substate in root.get_substates():
        found.extend(_all_states(substate))
    return found


def handler_access(state_cls: type[rx.State], name: str) -> object:
    handler = state_cls.event_handlers[name]
    return getattr(handler.fn, "__access__", None)


def public_event_names() -> frozenset[str]:
    names = {f"{cls.get_full_name()}.{name}" for cls, name in _FRAMEWORK_PUBLIC}
    for cls in _all_states():
        for name in cls.event_handlers:
            if handler_access(cls, name) == PUBLIC:
                names.add(f"{cls.get_full_name()}.{name}")
    return frozenset(names)


class SessionGate(rx.Middleware):
    """Drops events of signed-out sessions and sends the tab to the sign-in page."""

    def __init__(self) -> None:
        self._public: frozenset[str] | None = None

    async def preprocess(self, app: "App", state: "BaseState", event: Event) -> StateUpdate | None:
        if self._public is None:
            self._public = public_event_names()
        if event.name.rsplit(".", 1)[-1] == "setvar":
            # The generic setter would let a browser write any var of any state.
            logger.warning("refused setvar event %s", event.name[:200])
            return StateUpdate()
        if event.name in self._public:
            return None
        session = await state.get_state(SessionState)
        try:
            actor = await resolve_actor(session.session_token)
        except Unavailable as error:
            return StateUpdate(events=Event.from_event_type(rx.toast.error(error.message, duration=8000)))
        if actor is not None:
            return None
        wanted = _safe_next(state.router.url.path)
        return StateUpdate(events=Event.from_event_type(rx.redirect(f"{routes.LOGIN}?next={wanted}")))
