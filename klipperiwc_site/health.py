"""Liveness and readiness: what /healthz reports."""

import functools
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections

from klipperiwc_site.cache import TolerantRedisCache
from klipperiwc_site.outages import REDIS_OUTAGE_ERRORS, redis_address

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
        cache = caches["default"]  # the backend itself: the cache proxy is no TolerantRedisCache to isinstance
        if not isinstance(cache, TolerantRedisCache):
            raise TypeError(f"the default cache is {type(cache).__name__}, not Redis")
        client = cache.redis_client()
        key = cache.make_key("healthz")
        client.set(key, b"ok", ex=10)
        return client.get(key) == b"ok"
    except REDIS_OUTAGE_ERRORS as error:
        # Expected while Redis is away: one line per check, no traceback.
        logger.warning("Health check: Redis unreachable at %s (%s)", redis_address(settings.REDIS_URL), error)
        return False
    except Exception:
        logger.exception("Health check: Redis unreachable")
        return False


def check_storage() -> bool:
    """The board-asset store: the local folder can be written, or the S3 bucket answers."""
    storage = storages["board_assets"]
    try:
        if isinstance(storage, FileSystemStorage):
            return _folder_writable(Path(storage.location))
        from storages.backends.s3 import S3Storage  # only here: local storage needs no boto

        if not isinstance(storage, S3Storage):
            raise TypeError(f"the board-asset store is {type(storage).__name__}, neither a folder nor S3")
        _s3_health_client(storage).head_bucket(Bucket=storage.bucket_name)
    except Exception as error:
        # Expected while the store is away: one line, no traceback. botocore's
        # messages name the endpoint and bucket, never the credentials.
        logger.warning("Health check: board-asset storage unavailable (%s: %s)", type(error).__name__, error)
        return False
    return True


def _folder_writable(folder: Path) -> bool:
    # FileSystemStorage creates its folder on the first save; so does this.
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"{folder} is not writable by this process")
    return True


def _s3_health_client(storage):
    return _s3_client(
        storage,
        (storage.endpoint_url, storage.region_name, storage.access_key, storage.secret_key, storage.security_token),
    )


@functools.lru_cache(maxsize=4)
def _s3_client(storage, _identity):
    """A client like the storage's own, with short timeouts and no retries.

    The storage's client waits and retries as an upload should; a health check
    must answer within a probe's timeout. Made once per configuration: making
    a boto3 client costs more than the check itself.
    """
    from botocore.config import Config

    config = storage.client_config.merge(
        Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 1, "mode": "standard"})
    )
    # django-storages' own session (keys, profile or the environment's credentials).
    session = storage._create_session()
    return session.client(
        "s3",
        region_name=storage.region_name,
        use_ssl=storage.use_ssl,
        endpoint_url=storage.endpoint_url,
        config=config,
        verify=storage.verify,
    )


def health_report() -> tuple[bool, dict]:
    """(healthy, report) with "ok" or "unavailable" for each part checked."""
    checks = {"database": check_database}
    if settings.REDIS_URL:
        checks["redis"] = check_redis
    checks["storage"] = check_storage
    parts = {name: ("ok" if check() else "unavailable") for name, check in checks.items()}
    healthy = all(state == "ok" for state in parts.values())
    return healthy, {"status": "ok" if healthy else "unavailable", **parts}
