"""What the site's outage handling shares: which errors mean "down", and a log that does not flood."""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What a Redis that is down, restarting or unreachable raises (loading and
# authentication errors are ConnectionErrors too). Anything else is a bug
# and still raises.
REDIS_OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)


def redis_address(url: str) -> str:
    """host:port/db of a Redis URL: what a log line may name (never the password)."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or '/0'}"


class OutageLog:
    """A warning when failures begin, then at most one per ``interval`` while they go on.

    A dead Redis or database fails every operation of every request; a line
    per failure would bury the log. Callers that can tell an operation
    succeeded (the Redis cache and channel layer) call ``succeeded``, which
    logs the end of the outage. Shared by the threads of a process.
    """

    def __init__(self, what: str, *, log: logging.Logger, interval: float = 60.0):
        self.what = what
        self.log = log
        self.interval = interval
        self._lock = threading.Lock()
        self._down = False
        self._warned_at = float("-inf")

    def failed(self, address: str, error: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            self._down = True
            if now - self._warned_at < self.interval:
                return
            self._warned_at = now
        # The error's class and text name the cause (refused, timed out, ...);
        # the drivers' messages (redis-py, psycopg) carry host and port, never a password.
        self.log.warning("%s unavailable at %s (%s: %s)", self.what, address, type(error).__name__, error)

    def succeeded(self, address: str) -> None:
        if not self._down:  # the common case, without the lock
            return
        with self._lock:
            if not self._down:
                return
            self._down = False
        self.log.info("%s at %s answers again", self.what, address)


# Connection refused or lost, server shutting down, "database is locked"
# past SQLite's timeout: the database cannot serve now, the request is fine.
DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError)


def database_address() -> str:
    """host:port/name (or the SQLite file) of the default database, without credentials."""
    database = settings.DATABASES["default"]
    if database.get("HOST"):
        return f"{database['HOST']}:{database.get('PORT') or 'default port'}/{database.get('NAME', '')}"
    return str(database.get("NAME", ""))
