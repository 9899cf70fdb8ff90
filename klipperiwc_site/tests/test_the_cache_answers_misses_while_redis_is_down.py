"""TolerantRedisCache against a real redis-server that the test kills and starts again."""

import logging

import pytest

from klipperiwc_site import cache as cache_module
from klipperiwc_site.cache import TolerantRedisCache


@pytest.fixture
def tolerant_cache(redis_server, monkeypatch):
    monkeypatch.setattr(TolerantRedisCache, "_paused_until", 0.0)
    monkeypatch.setattr(cache_module, "_cache_outage", cache_module.OutageLog("Redis cache", log=cache_module.logger))
    return TolerantRedisCache(redis_server.url, {"KEY_PREFIX": "t"})


def test_reads_miss_and_writes_are_dropped_while_redis_is_down(tolerant_cache, redis_server, caplog, monkeypatch):
    tolerant_cache.set("kept", "before", 60)
    assert tolerant_cache.get("kept") == "before"
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="klipperiwc_site.cache"):
        for _ in range(3):
            monkeypatch.setattr(TolerantRedisCache, "_paused_until", 0.0)  # ask Redis every time
            assert tolerant_cache.get("kept", "fallback") == "fallback"
            assert tolerant_cache.set("kept", "during", 60) is None
            assert tolerant_cache.add("new", 1) is False
            assert tolerant_cache.get_many(["kept", "new"]) == {}
            assert tolerant_cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
            assert tolerant_cache.has_key("kept") is False
            assert tolerant_cache.delete("kept") is False
            with pytest.raises(ValueError, match="unavailable"):
                tolerant_cache.incr("counter")
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1, warnings
    assert f"127.0.0.1:{redis_server.port}/0" in warnings[0]
    assert redis_server.password not in warnings[0]


def test_the_health_client_still_raises_while_redis_is_down(tolerant_cache, redis_server):
    import redis

    redis_server.stop()
    with pytest.raises(redis.ConnectionError):
        tolerant_cache.redis_client().ping()


def test_the_first_call_after_a_restart_reaches_the_new_server(tolerant_cache, redis_server):
    tolerant_cache.set("kept", "before", 60)  # a pooled connection to the old server
    redis_server.stop()
    redis_server.start()
    tolerant_cache.set("kept", "after", 60)
    assert tolerant_cache.get("kept") == "after"
