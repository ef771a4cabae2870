"""Following the change feed from live pages, for writers in any process.

One watcher per backend process asks the database for each organisation's newest audit id at
most twice a second, however many tabs are open; each tab's loop compares that number with
the last one it showed.
"""

import asyncio
import time

from reflex.utils.prerequisites import get_app

from mentor_dash.selectors.feed import feed_latest_id
from mentor_dash.services.unit_of_work import run_read

POLL_SECONDS = 1.0
CACHE_SECONDS = 0.5
HIGHLIGHT_SECONDS = 3.0


class FeedWatcher:
    def __init__(self) -> None:
        self._latest: dict[int, tuple[float, int]] = {}
        self._lock = asyncio.Lock()

    async def latest(self, organization_id: int) -> int:
        cached = self._latest.get(organization_id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        async with self._lock:
            cached = self._latest.get(organization_id)
            if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
                return cached[1]
            latest = await asyncio.to_thread(run_read, feed_latest_id, organization_id=organization_id)
            self._latest[organization_id] = (time.monotonic(), latest)
            return latest


watcher = FeedWatcher()


async def tab_is_open(client_token: str) -> bool:
    """Whether the browser tab behind a client token still has a socket on any worker."""
    namespace = get_app().app.event_namespace
    if namespace is None:
        return False
    return await namespace._token_manager.is_token_connected(client_token)
