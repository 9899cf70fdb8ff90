"""PostgreSQL stopped and started under a running scaled site: 503 and 4503 at once while it is down, then back.

A real daphne on a PostgreSQL cluster of the test's own (initdb + pg_ctl in a temp folder,
never the machine's shared server) and a Redis channel layer, as the scaled mode runs. The
cluster is stopped (``pg_ctl stop -m fast``: pooled connections are terminated, new ones
refused) and started again, without restarting daphne. Every WebSocket handshake during the
outage gets its error message and close 4503 at once: with Redis, a consumer that left on a
database error waited for the channel layer's blocking pop (5 s, as long as daphne waits for a
handshake), and clients saw a dropped connection instead.
"""

import json
import time
import urllib.error
import urllib.request

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from conftest import service_missing

pytestmark = pytest.mark.slow


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.fixture
def postgres():
    from scripts.fault_drill import PG_BIN, Postgres

    if not (PG_BIN / "initdb").exists():
        service_missing("PostgreSQL binaries", str(PG_BIN), "no initdb")
    cluster = Postgres()
    cluster.start()
    cluster.create_database()
    yield cluster
    cluster.remove()


@pytest.fixture
def site(postgres, redis_server, project_env, manage, start_daphne, tmp_path):
    env = project_env(
        DATABASE_URL=postgres.url,
        REDIS_URL=redis_server.url,
        CELERY_BROKER_URL=redis_server.url,
        BRIDGE_MODE="process",
        LOG_FILE=str(tmp_path / "app.log"),
    )
    migrated = manage("migrate", "--noinput", env=env, timeout=180)
    assert migrated.returncode == 0, migrated.stderr
    url = start_daphne(env)
    return url, url.replace("http", "ws") + "/ws/status"


def handshake(ws_url: str) -> tuple[list[dict], int | None, float]:
    """Messages until the server closes, its close code, and the seconds that took."""
    started = time.monotonic()
    messages = []
    # Less than daphne's 5 s handshake timeout: a late answer fails here, not by a dropped connection.
    with connect(ws_url, open_timeout=4) as websocket:
        try:
            while True:
                messages.append(json.loads(websocket.recv(timeout=4)))
        except ConnectionClosed as closed:
            return messages, closed.rcvd.code if closed.rcvd else None, time.monotonic() - started


def test_handshakes_close_4503_at_once_and_everything_answers_again_after_the_restart(site, postgres):
    url, ws_url = site
    with connect(ws_url, open_timeout=10) as websocket:  # pooled database and Redis connections now
        assert json.loads(websocket.recv(timeout=10))["type"] != "error"

    postgres.stop()
    for _ in range(4):  # the channel layer's shared receive loop is at a different point each time
        messages, code, _ = handshake(ws_url)
        assert code == 4503, messages
        assert [m["type"] for m in messages] == ["error"]
        assert "database is unavailable" in messages[0]["detail"]
        status, body = get(f"{url}/api/printers/")
        assert status == 503, body
        assert "database is unavailable" in body["detail"]

    postgres.start()
    # The same daphne: its next connections reach the new server.
    assert get(f"{url}/api/printers/")[0] == 200
    assert get(f"{url}/healthz")[0] == 200
    with connect(ws_url, open_timeout=10) as websocket:
        assert json.loads(websocket.recv(timeout=10))["type"] != "error"
