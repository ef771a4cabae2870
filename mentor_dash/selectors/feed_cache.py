"""Read results shared by every viewer of the same data until the change feed moves.

Every write adds an audit event, so an organisation's newest audit id names a version of its
data: a result computed at that position stays right until the position moves. Many staff
watching the same grid then cost one query per change instead of one per open tab.

Keys carry the minute (statuses such as "expiring" move with time) and entries live at most
TTL_SECONDS, which bounds how long a write that committed out of id order can stay unseen.
Callers authorize the actor before asking, and put whatever decides the result in the key.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session

from mentor_dash.selectors.feed import feed_latest_id, feed_structure_id

T = TypeVar("T")

TTL_SECONDS = 10.0


def feed_position(
    session: Session, organization_id: int, now: datetime, *, progress_matters: bool = True
) -> tuple:
    """Which version of the organisation's data a read sees: database, feed position, minute.

    A result that progress cannot change (counts of people, unless filtered by exam status)
    names the newest structural change instead, and so outlives any amount of grading.
    """
    if progress_matters:
        position = ("all", feed_latest_id(session=session, organization_id=organization_id))
    else:
        position = ("structure", feed_structure_id(session=session, organization_id=organization_id))
    return (str(session.get_bind().url), organization_id, position, now.replace(second=0, microsecond=0))


class FeedCache:
    def __init__(self, size: int = 1024, ttl: float = TTL_SECONDS) -> None:
        self._entries: OrderedDict[tuple, tuple[float, Any]] = OrderedDict()
        self._size = size
        self._ttl = ttl
        self._lock = threading.Lock()
        # One computation per key at a time: tabs that ask meanwhile wait for its result.
        self._computing: dict[tuple, threading.Lock] = {}

    def _fresh(self, key: tuple) -> tuple[bool, Any]:
        with self._lock:
            found = self._entries.get(key)
            if found is None or time.monotonic() - found[0] > self._ttl:
                return False, None
            return True, found[1]

    def _put(self, key: tuple, value: Any) -> None:
        now = time.monotonic()
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (now, value)
            # Oldest first: stale results go at once rather than sit in memory until pushed out,
            # since every object kept here makes each full garbage collection longer.
            while self._entries:
                oldest_key, (stored_at, _) = next(iter(self._entries.items()))
                if len(self._entries) <= self._size and now - stored_at <= self._ttl:
                    break
                del self._entries[oldest_key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get_or_compute(self, position: tuple, key: Hashable, compute: Callable[[], T]) -> T:
        """The result for `key` at this feed position, computed once however many ask."""
        full_key = (position, key)
        hit, value = self._fresh(full_key)
        if hit:
            return value
        with self._lock:
            gate = self._computing.setdefault(full_key, threading.Lock())
        with gate:
            hit, value = self._fresh(full_key)
            if not hit:
                value = compute()
                self._put(full_key, value)
        with self._lock:
            if self._computing.get(full_key) is gate and not gate.locked():
                del self._computing[full_key]
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
