"""Redis is an optimisation: while it is down, status reads answer from the database and history keeps growing.

A real daphne with REDIS_URL pointing at a redis-server of the test's own,
which the test kills and starts again (empty, as Redis without persistence
comes back).
"""

import json
import sqlite3
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def history_rows(database) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM status_history").fetchone()[0]


@pytest.fixture
def site(redis_server, project_env, manage, tmp_path, start_daphne):
    database = tmp_path / "db.sqlite3"
    log = tmp_path / "app.log"
    env = project_env(
        REDIS_URL=redis_server.url,
        DATABASE_URL=f"sqlite:///{database}",
        STATUS_HISTORY_MIN_INTERVAL_MS="0",
        LOG_FILE=str(log),
    )
    assert manage("migrate", "--noinput", env=env).returncode == 0
    return start_daphne(env), database, log


def test_status_reads_answer_and_history_grows_while_redis_is_down(site, redis_server):
    url, database, log = site
    assert get(f"{url}/api/status")[0] == 200  # the cache now has a pooled connection
    redis_server.stop()
    before = history_rows(database)
    for path in ("/api/status", "/api/jobs", "/api/temperatures") * 3:
        status, body = get(url + path)
        assert status == 200, (path, body)
    assert history_rows(database) >= before + 3
    unavailable = {"status": "unavailable", "database": "ok", "redis": "unavailable", "storage": "ok"}
    assert get(f"{url}/healthz") == (503, unavailable)

    redis_server.start()
    # The first request after the restart already reaches the new server
    # through the stale pooled connection.
    assert get(f"{url}/healthz") == (200, {"status": "ok", "database": "ok", "redis": "ok", "storage": "ok"})
    assert get(f"{url}/api/status")[0] == 200

    text = log.read_text()
    assert redis_server.password not in text
    assert text.count("Redis cache unavailable") == 1, text
    assert "Traceback" not in text, text
