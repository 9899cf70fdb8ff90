"""The Redis cache of scaled mode, for which an outage is a run of misses.

Everything the site caches is also in the database, so a cache that does not
answer must not fail a request: Django's RedisCache raises on a dead Redis,
and every status read answered 500 for as long as Redis was away (and stored
no history). Here a connection or timeout error reads as a miss and a write
is dropped; /healthz asks Redis itself (``redis_client``), so the outage is
still reported.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from klipperiwc_site.outages import REDIS_OUTAGE_ERRORS, OutageLog, redis_address

logger = logging.getLogger(__name__)

_cache_outage = OutageLog("Redis cache", log=logger)


class TolerantRedisCache(RedisCache):
    """Django's RedisCache with short timeouts, for which a Redis outage means misses.

    Reads answer their default, writes are dropped, ``incr`` finds no key.
    After a failure the cache does not ask Redis again for ``pause_seconds``,
    so a Redis that times out (instead of refusing at once) costs one request
    a connect timeout per pause, not every cache call of every request.
    """

    pause_seconds = 1.0
    default_options = {
        # Redis on the LAN answers in a millisecond; waiting longer for an
        # optimisation than the database would take defeats its purpose.
        "socket_connect_timeout": 0.5,
        "socket_timeout": 1.0,
        # One immediate retry on a new connection: after a Redis restart the
        # pooled connections are dead, and without it the first call on each
        # would count as an outage.
        "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    }

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**self.default_options, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._address = redis_address(self._servers[0])

    def redis_client(self):
        """The underlying redis-py client, which raises on an outage (for /healthz)."""
        return self._cache.get_client(write=True)

    _paused_until = 0.0  # class-wide: one Redis, one outage, whichever thread meets it

    def _tolerant(self, miss, operation, *args):
        if time.monotonic() < TolerantRedisCache._paused_until:
            return miss
        try:
            result = operation(*args)
        except REDIS_OUTAGE_ERRORS as error:
            TolerantRedisCache._paused_until = time.monotonic() + self.pause_seconds
            _cache_outage.failed(self._address, error)
            return miss
        _cache_outage.succeeded(self._address)
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._tolerant(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._tolerant(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._tolerant({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._tolerant(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._tolerant(missing, super().incr, key, delta, version)
        if result is missing:
            raise ValueError(f"Key {key!r} not found (the Redis cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that were not stored.
        return self._tolerant(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._tolerant(None, super().delete_many, keys, version)

    def clear(self):
        return self._tolerant(False, super().clear)
