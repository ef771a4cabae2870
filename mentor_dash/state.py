"""The signed-in user's state, shared by every page, and the handler access markers.

The acting user is resolved from the session token on the server for every event; the
flags kept here only decide what the frame shows (menu entries), never what is allowed.
"""

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar, copy_context
from typing import Any, TypeVar

import reflex as rx

from mentor_dash import routes
from mentor_dash.db import DATABASE_THREADS
from mentor_dash.domain import access
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import NotSignedIn
from mentor_dash.domain.sessions import ABSOLUTE_LIFETIME
from mentor_dash.selectors.account import account_mentor_card
from mentor_dash.services import auth
from mentor_dash.services.unit_of_work import run_read, run_write

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

PUBLIC = "public"
SIGNED_IN = "signed_in"
SESSION_COOKIE = "md_session"

# The actor the session gate resolved for the event being processed, keyed by token.
_resolved: ContextVar[tuple[str, Actor | None] | None] = ContextVar("resolved_actor", default=None)


def public(fn: F) -> F:
    """Mark a handler that signed-out visitors may call (sign-in, the page guard)."""
    fn.__access__ = PUBLIC  # type: ignore[attr-defined]
    return fn


def signed_in(fn: F) -> F:
    """Mark a handler that needs a live session and touches only the actor's own data."""
    fn.__access__ = SIGNED_IN  # type: ignore[attr-defined]
    return fn


def requires(*actions: Action) -> Callable[[F], F]:
    """Mark a handler with the permission-table actions its services check."""

    def mark(fn: F) -> F:
        fn.__access__ = tuple(actions)  # type: ignore[attr-defined]
        return fn

    return mark


_database_threads = ThreadPoolExecutor(max_workers=DATABASE_THREADS, thread_name_prefix="db")


async def in_thread(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Database work off the event loop, so one slow query never stalls other clients."""
    call = functools.partial(copy_context().run, fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_database_threads, call)


def resolve_token(token: str) -> Actor | None:
    return run_write(auth.auth_resolve, token=token)


async def resolve_actor(token: str) -> Actor | None:
    cached = _resolved.get()
    if cached is not None and cached[0] == token:
        return cached[1]
    actor = await in_thread(resolve_token, token)
    _resolved.set((token, actor))
    return actor


async def acting_user(state: rx.State) -> Actor:
    """The signed-in user behind the tab that sent the event being handled; raises if none."""
    session = await state.get_state(SessionState)
    actor = await resolve_actor(session.session_token)
    if actor is None:
        raise NotSignedIn()
    return actor


def _safe_next(path: str) -> str:
    """Only local paths: an open redirect after sign-in would be a phishing aid."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path or path.startswith(routes.LOGIN):
        return routes.HOME
    return path.rstrip("/")[:500] or routes.HOME


class SessionState(rx.State):
    session_token: str = rx.Cookie(
        "", name=SESSION_COOKIE, same_site="strict", max_age=int(ABSOLUTE_LIFETIME.total_seconds())
    )
    user_name: str = ""
    is_participant: bool = False
    is_coach: bool = False
    is_manager: bool = False
    session_checked: bool = False
    page_allowed: bool = False
    # The participant's mentor, for the card in the left main menu (empty: no mentor).
    mentor_name: str = ""
    mentor_email: str = ""
    mentor_phone: str = ""

    def _show_user(self, actor: Actor | None) -> None:
        self.user_name = actor.name if actor else ""
        self.is_participant = bool(actor and actor.is_participant)
        self.is_coach = bool(actor and actor.is_coach)
        self.is_manager = bool(actor and actor.is_manager)
        if not self.is_participant:
            self.mentor_name = self.mentor_email = self.mentor_phone = ""

    async def _show_mentor(self, actor: Actor) -> None:
        card = await in_thread(run_read, account_mentor_card, actor=actor)
        self.mentor_name = card.name if card else ""
        self.mentor_email = card.contact_email if card else ""
        self.mentor_phone = card.phone if card else ""

    @rx.event
    @public
    async def check_session(self) -> rx.event.EventSpec | None:
        """Page guard: send signed-out visitors to sign in, and decide whether to show the page."""
        actor = await resolve_actor(self.session_token)
        self._show_user(actor)
        if actor is None:
            self.session_checked = False
            self.page_allowed = False
            return rx.redirect(f"{routes.LOGIN}?next={_safe_next(self.router.url.path)}")
        if actor.is_participant:
            await self._show_mentor(actor)
        page_action = routes.page_action_for(self.router.url.path)
        self.page_allowed = page_action is None or access.is_allowed(
            actor, page_action, access.own_account(actor)
        )
        self.session_checked = True
        return None

    @rx.event
    @signed_in
    async def sign_out(self) -> rx.event.EventSpec:
        token = self.session_token
        if token:
            await in_thread(run_write, auth.auth_sign_out, token=token)
        self.session_token = ""
        self._show_user(None)
        self.session_checked = False
        _resolved.set(None)
        return rx.redirect(routes.LOGIN)
