"""What the shared read cache keeps in memory: nothing past its lifetime, never more than its size."""

import time

from mentor_dash.selectors.feed_cache import FeedCache

POSITION = ("db", 1, ("all", 10), "minute")


def test_results_past_their_lifetime_leave_the_cache_when_a_new_one_is_stored() -> None:
    cache = FeedCache(ttl=0.05)
    for key in range(5):
        cache.get_or_compute(POSITION, key, lambda: "old")
    time.sleep(0.06)
    cache.get_or_compute(POSITION, "new", lambda: "new")
    assert len(cache) == 1


def test_the_cache_never_holds_more_results_than_its_size() -> None:
    cache = FeedCache(size=3)
    for key in range(10):
        cache.get_or_compute(POSITION, key, lambda k=key: k)
    assert len(cache) == 3
    assert cache.get_or_compute(POSITION, 9, lambda: "computed again") == 9
    assert cache.get_or_compute(POSITION, 0, lambda: "computed again") == "computed again"
