"""Settings of the backend process that the libraries' defaults get wrong for this server."""

import functools

import redis.utils


def tune_process() -> None:
    """Run once per worker before it serves anything.

    redis-py reads its own package metadata for every new connection; when the pool grows
    under a burst of events those file-system look-ups hold up the event loop.
    """
    if not isinstance(redis.utils.get_lib_version, functools._lru_cache_wrapper):
        redis.utils.get_lib_version = functools.cache(redis.utils.get_lib_version)
