"""/ws/status through a Redis outage: clean closes while it lasts, live updates again at once after it.

A real daphne whose channel layer and cache use a redis-server of the test's
own; the test kills it and starts it again empty (no persistence), so group
memberships and pooled connections are gone, as after a real Redis restart.
"""

import json
import urllib.request

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

pytestmark = pytest.mark.slow

CLOSE_UNAVAILABLE = 4503


@pytest.fixture
def site(redis_server, project_env, manage, tmp_path, start_daphne):
    env = project_env(
        REDIS_URL=redis_server.url,
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        STATUS_HISTORY_MIN_INTERVAL_MS="0",
        LOG_FILE=str(tmp_path / "app.log"),
    )
    assert manage("migrate", "--noinput", env=env).returncode == 0
    url = start_daphne(env)
    return url, url.replace("http", "ws") + "/ws/status"


def produce_status(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/api/status", timeout=10) as response:
        return json.load(response)


def receive_broadcast_of(websocket, produced: dict) -> dict:
    while True:
        message = json.loads(websocket.recv(timeout=10))
        if message["type"] == "status" and message["payload"]["updated_at"] == produced["updated_at"]:
            return message


def messages_until_closed(websocket) -> tuple[list[dict], int | None]:
    messages = []
    try:
        while True:
            messages.append(json.loads(websocket.recv(timeout=15)))
    except ConnectionClosed as closed:
        return messages, closed.rcvd.code if closed.rcvd else None


def test_an_open_socket_closes_with_4503_when_redis_goes_away(site, redis_server):
    url, ws_url = site
    with connect(ws_url, open_timeout=10) as websocket:
        receive_broadcast_of(websocket, produce_status(url))
        redis_server.stop()
        messages, code = messages_until_closed(websocket)
    assert code == CLOSE_UNAVAILABLE
    assert messages[-1]["type"] == "error"
    assert "unavailable" in messages[-1]["detail"]


def test_a_handshake_during_the_outage_is_answered_and_closed_with_1013(site, redis_server):
    url, ws_url = site
    with connect(ws_url, open_timeout=10) as websocket:  # the process now has pooled connections
        receive_broadcast_of(websocket, produce_status(url))
    redis_server.stop()
    with connect(ws_url, open_timeout=10) as websocket:
        messages, code = messages_until_closed(websocket)
    assert code == CLOSE_UNAVAILABLE
    assert messages == [{"type": "error", "detail": messages[0]["detail"]}]
    assert "unavailable" in messages[0]["detail"]


def test_the_first_handshake_after_a_redis_restart_connects_and_receives_broadcasts(site, redis_server):
    url, ws_url = site
    with connect(ws_url, open_timeout=10) as websocket:
        receive_broadcast_of(websocket, produce_status(url))
    redis_server.stop()
    produce_status(url)  # a broadcast during the outage is dropped, the request still answers
    redis_server.start()
    # First try: the pooled connections to the old server are dead.
    with connect(ws_url, open_timeout=10) as websocket:
        initial = json.loads(websocket.recv(timeout=10))
        assert initial["type"] == "status"
        produced = produce_status(url)
        assert receive_broadcast_of(websocket, produced)["payload"] == produced
