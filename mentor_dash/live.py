"""Following the change feed from live pages, for writers in any process.

One watcher per backend process asks the database for each organisation's newest audit id at
most four times a second, however many tabs are open; each tab's loop compares that number with
the last one it showed and, when it moved, lets the page reload what it shows.
"""

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from reflex.utils.prerequisites import get_app

from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import DomainError
from mentor_dash.selectors.feed import FeedStep, feed_latest_id, feed_mentors_of, feed_step
from mentor_dash.services.auth import auth_live_tokens
from mentor_dash.services.unit_of_work import run_read
from mentor_dash.state import SessionState, in_thread, resolve_actor, signed_in

T = TypeVar("T")

POLL_SECONDS = 0.5
CACHE_SECONDS = 0.25
HIGHLIGHT_SECONDS = 3.0
# How often an idle tab's loop asks the database whether its session still holds.
SESSION_CHECK_SECONDS = 5.0
# How often an idle tab's loop looks at its state anyway (navigation noticed by no other means).
LOOK_IN_SECONDS = 60.0


class FeedWatcher:
    def __init__(self) -> None:
        self._latest: dict[int, tuple[float, int]] = {}
        self._changes: dict[tuple[int, int, int], FeedStep] = {}
        self._mentors: dict[tuple[int, int, tuple[int, ...]], frozenset[int]] = {}
        self._lock = asyncio.Lock()

    def _cached(self, organization_id: int) -> int | None:
        cached = self._latest.get(organization_id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        return None

    async def latest(self, organization_id: int) -> int:
        if (value := self._cached(organization_id)) is not None:
            return value
        async with self._lock:
            if (value := self._cached(organization_id)) is not None:
                return value
            latest = await in_thread(run_read, feed_latest_id, organization_id=organization_id)
            self._latest[organization_id] = (time.monotonic(), latest)
            return latest

    async def mentors_of(self, organization_id: int, touched: list[int]) -> frozenset[int]:
        """Mentors concerned by these changes; tabs at the same feed step share one look-up.

        Keyed by the feed position as well: mentorships change too, and each change moves it.
        """
        position = await self.latest(organization_id)
        key = (organization_id, position, tuple(sorted(set(touched))))
        found = self._mentors.get(key)
        if found is None:
            found = await in_thread(
                run_read, feed_mentors_of, organization_id=organization_id, participant_ids=list(key[2])
            )
            self._mentors[key] = found
            while len(self._mentors) > 256:
                self._mentors.pop(next(iter(self._mentors)))
        return found

    async def changes(self, organization_id: int, after_id: int, latest: int) -> FeedStep:
        """What changed between two feed positions; shared by every tab at the same cursor."""
        key = (organization_id, after_id, latest)
        found = self._changes.get(key)
        if found is None:
            found = await in_thread(run_read, feed_step, organization_id=organization_id, after_id=after_id)
            self._changes[key] = found
            while len(self._changes) > 256:
                self._changes.pop(next(iter(self._changes)))
        return found


watcher = FeedWatcher()


class SessionChecks:
    """Whether the sessions behind this process's live pages still hold, checked in batches.

    A loop's answer is at most SESSION_CHECK_SECONDS old. When one is due, a single query
    re-checks every session asked about lately whose answer is at least half that old, so
    hundreds of open tabs cost a few queries per interval instead of one each.
    """

    def __init__(self) -> None:
        self._answers: dict[str, tuple[float, bool]] = {}
        self._asked: dict[str, float] = {}
        self._lock = asyncio.Lock()

    def _answer(self, token: str, now: float) -> bool | None:
        found = self._answers.get(token)
        if found is not None and now - found[0] < SESSION_CHECK_SECONDS:
            return found[1]
        return None

    async def holds(self, token: str) -> bool:
        now = time.monotonic()
        self._asked[token] = now
        if (answer := self._answer(token, now)) is not None:
            return answer
        async with self._lock:
            now = time.monotonic()
            if (answer := self._answer(token, now)) is not None:
                return answer
            # Sessions no loop asked about for two intervals belong to closed tabs: forget them.
            for gone in [t for t, at in self._asked.items() if now - at > 2 * SESSION_CHECK_SECONDS]:
                del self._asked[gone]
                self._answers.pop(gone, None)
            due = [
                t
                for t in self._asked
                if t == token or now - self._answers.get(t, (0.0, False))[0] >= SESSION_CHECK_SECONDS / 2
            ]
            live = await in_thread(run_read, auth_live_tokens, tokens=due)
            for t in due:
                self._answers[t] = (now, t in live)
            return token in live


sessions = SessionChecks()

# The newest live loop of each tab in this process: a page load that starts another one ends
# the previous loop without anyone locking the tab's state.
_newest_loop: dict[str, str] = {}
# What each loop's page shows now, shared by the page's handlers as they change it, so that
# relevance is decided on the current filters and rows without locking the tab's state.
_shown: dict[str, Any] = {}


async def tab_is_open(client_token: str) -> bool:
    """Whether the browser tab behind a client token still has a socket on any worker."""
    namespace = get_app().app.event_namespace
    if namespace is None:
        return False
    return await namespace._token_manager.is_token_connected(client_token)


Apply = Callable[[], None]


def detached(value: T) -> T:
    """The plain object behind a state var's proxy, for keeping outside the event.

    A proxy holds its whole state tree, so a snapshot of proxies kept by a live loop would
    keep every tab's state in memory.
    """
    return getattr(value, "__wrapped__", value)


class LivePage(rx.State, mixin=True):
    """A page that reloads what it shows when the change feed moves.

    Pages implement `_live_snapshot` (under the state lock: what the reload needs),
    `_live_reload` (off the lock: query, return a function that applies the result) and may
    implement `_live_tick` (under the lock, every poll: e.g. fade highlights).
    """

    _live_id: str = ""
    _cursor: int = 0

    async def _start_live(self, actor: Actor) -> rx.event.EventSpec:
        self._cursor = await watcher.latest(actor.organization_id)
        self._live_id = uuid.uuid4().hex
        return type(self).follow_changes(self._live_id)

    def _live_snapshot(self) -> Any:
        return None

    def _share_snapshot(self) -> None:
        """Tell this tab's live loop what the page shows now (call after changing it)."""
        if self._live_id and self._live_id in _shown:
            _shown[self._live_id] = self._live_snapshot()

    async def _live_reload(self, actor: Actor, touched: list[int], snapshot: Any) -> Apply | None:
        raise NotImplementedError

    def _live_tick(self, now: float) -> bool:
        """Called under the lock when the loop looks in; True asks to look in again soon."""
        return False

    async def _live_relevant(self, actor: Actor, step: FeedStep, snapshot: Any) -> bool:
        """Whether these changes can concern this page, decided without taking the state lock."""
        return bool(step.participants)

    @rx.event(background=True)
    @signed_in
    async def follow_changes(self, live_id: str) -> None:
        """Runs while this tab stays open on this page; a newer page load replaces it.

        The state is only locked when the feed moved in a way that concerns the page, a tick
        is due, or once a minute: hundreds of idle tabs cost a dictionary look-up per poll and
        a session check every few seconds, never a state round trip.
        """
        async with self:
            if not isinstance(live_id, str) or live_id != self._live_id:
                return
            path = self.router.url.path
            client_token = self.router.session.client_token
            token = (await self.get_state(SessionState)).session_token
            cursor = self._cursor
            snapshot = self._live_snapshot()
            # Under the lock, so a later page load always registers after this one.
            _newest_loop[client_token] = live_id
            _shown[live_id] = snapshot
        try:
            actor = await resolve_actor(token)
            if actor is not None:
                await self._follow(live_id, path, client_token, token, actor, cursor, snapshot)
        finally:
            _shown.pop(live_id, None)
            if _newest_loop.get(client_token) == live_id:
                del _newest_loop[client_token]

    async def _follow(
        self, live_id: str, path: str, client_token: str, token: str, actor: Actor, cursor: int, snapshot: Any
    ) -> None:
        wants_tick = False
        looked_in = session_checked = time.monotonic()
        while True:
            await asyncio.sleep(POLL_SECONDS)
            if _newest_loop.get(client_token) != live_id or not await tab_is_open(client_token):
                return
            now = time.monotonic()
            if now - session_checked >= SESSION_CHECK_SECONDS:
                # Straight to the database: sign-out or revocation elsewhere must end the loop.
                if not await sessions.holds(token):
                    return
                session_checked = now
            latest = await watcher.latest(actor.organization_id)
            due = wants_tick or now - looked_in >= LOOK_IN_SECONDS
            touched: list[int] = []
            if latest > cursor:
                step = await watcher.changes(actor.organization_id, cursor, latest)
                touched = step.participants
                snapshot = _shown.get(live_id, snapshot)
                try:
                    relevant = await self._live_relevant(actor, step, snapshot)
                except DomainError:
                    return
                if not relevant:
                    # Nothing here changed: move on without touching the tab's state at all.
                    cursor = latest
                    touched = []
            if not touched and not due:
                continue
            async with self:
                if self._live_id != live_id or self.router.url.path != path:
                    return
                if (await self.get_state(SessionState)).session_token != token:
                    return
                wants_tick = self._live_tick(now)
                snapshot = self._live_snapshot()
            looked_in = now
            if not touched:
                continue
            try:
                apply = await self._live_reload(actor, touched, snapshot)
            except DomainError:
                return
            async with self:
                if self._live_id != live_id:
                    return
                self._cursor = cursor = latest
                if apply is not None:
                    apply()
                wants_tick = self._live_tick(time.monotonic())
                snapshot = self._live_snapshot()
