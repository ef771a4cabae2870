"""Settings of the backend process that the libraries' defaults get wrong for this server."""

import functools
import gc

import redis.utils

# Python's default (700, 10, 10) collects the young generation after every few hundred new
# objects: each event then pays for scanning the objects of the events still in flight, and
# those survivors are scanned again in the older generations. Under load that was a tenth of the
# worker's time, in pauses of up to 300 ms. Twenty thousand lets most of an event's objects
# die before anyone scans them; the older generations keep their usual ratios.
GC_THRESHOLDS = (20_000, 10, 10)


def tune_process() -> None:
    """Run once per worker before it serves anything.

    redis-py reads its own package metadata for every new connection; when the pool grows
    under a burst of events those file-system look-ups hold up the event loop.
    """
    if not hasattr(redis.utils.get_lib_version, "cache_info"):
        redis.utils.get_lib_version = functools.cache(redis.utils.get_lib_version)
    gc.set_threshold(*GC_THRESHOLDS)


def freeze_startup_objects() -> None:
    """Once the app is built: its modules, classes and components stay for the process's life,
    so the collector stops scanning them."""
    gc.collect()
    gc.freeze()
