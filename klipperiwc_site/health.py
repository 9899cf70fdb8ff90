"""Liveness and readiness: what /healthz reports."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from klipperiwc_site.cache import OUTAGE_ERRORS, redis_address

logger = logging.getLogger(__name__)


def check_database() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Logged for the operator; the HTTP answer only says which part failed.
        logger.exception("Health check: database unreachable")
        return False
    return True


def check_redis() -> bool:
    # Past the cache's outage tolerance (it answers misses while Redis is
    # down), on the cache's own pooled connection.
    try:
        client = cache.redis_client()
        key = cache.make_key("healthz")
        client.set(key, b"ok", ex=10)
        return client.get(key) == b"ok"
    except OUTAGE_ERRORS as error:
        # Expected while Redis is away: one line per check, no traceback.
        logger.warning("Health check: Redis unreachable at %s (%s)", redis_address(settings.REDIS_URL), error)
        return False
    except Exception:
        logger.exception("Health check: Redis unreachable")
        return False


def health_report() -> tuple[bool, dict]:
    """(healthy, report) with "ok" or "unavailable" for each part checked."""
    checks = {"database": check_database}
    if settings.REDIS_URL:
        checks["redis"] = check_redis
    parts = {name: ("ok" if check() else "unavailable") for name, check in checks.items()}
    healthy = all(state == "ok" for state in parts.values())
    return healthy, {"status": "ok" if healthy else "unavailable", **parts}
