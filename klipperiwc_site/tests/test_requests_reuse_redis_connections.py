"""Requests share the process's cache client: no new Redis connection per request."""

import urllib.request

import pytest
import redis


@pytest.mark.requires_redis
def test_a_hundred_requests_open_at_most_one_redis_connection_per_thread(
    start_daphne, project_env, redis_url, tmp_path
):
    threads = 2
    url = start_daphne(
        project_env(
            DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", REDIS_URL=redis_url, WEB_REQUEST_THREADS=str(threads)
        )
    )
    client = redis.Redis.from_url(redis_url)
    # /healthz writes and reads the cache on every call.
    for _ in range(5):
        urllib.request.urlopen(f"{url}/healthz", timeout=5).read()
    before = client.info("stats")["total_connections_received"]
    for _ in range(100):
        urllib.request.urlopen(f"{url}/healthz", timeout=5).read()
    opened = client.info("stats")["total_connections_received"] - before
    client.close()
    assert opened <= threads, f"{opened} new Redis connections for 100 requests"
