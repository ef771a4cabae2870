"""Process settings for the backend workers: Redis connections and garbage collection."""

import gc
from importlib import metadata

import pytest
import redis.utils
from redis.driver_info import DriverInfo

from mentor_dash.process_tuning import GC_THRESHOLDS, tune_process


def test_new_redis_connections_read_the_package_metadata_only_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_version = metadata.version

    def counting_version(name: str) -> str:
        calls.append(name)
        return real_version(name)

    uncached = getattr(redis.utils.get_lib_version, "__wrapped__", redis.utils.get_lib_version)
    monkeypatch.setattr(redis.utils, "get_lib_version", uncached)
    monkeypatch.setattr(redis.utils.metadata, "version", counting_version)
    tune_process()
    tune_process()

    versions = {DriverInfo().lib_version for _ in range(5)}

    assert versions == {real_version("redis")}
    assert calls == ["redis"]


def test_a_built_app_leaves_its_start_up_objects_out_of_every_collection() -> None:
    import mentor_dash.mentor_dash  # noqa: F401  (builds the app as a worker does)

    assert gc.get_freeze_count() > 100_000
    assert gc.get_threshold() == GC_THRESHOLDS
    assert GC_THRESHOLDS[0] >= 10_000
