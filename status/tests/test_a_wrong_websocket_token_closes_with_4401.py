"""With STATUS_WS_TOKEN set, a real daphne accepts a client without the token (or with a wrong one), tells it
what is missing (never the token) and closes with 4401, so a page can ask for the token instead of retrying;
the right token gets the statuses."""

import json

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

pytestmark = pytest.mark.slow

TOKEN = "farm-wall-token-0123456789"


@pytest.fixture
def daphne(project_env, manage, tmp_path, start_daphne):
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path}/token.sqlite3", STATUS_WS_TOKEN=TOKEN, BRIDGE_MODE="process")
    assert manage("migrate", "--noinput", env=env).returncode == 0
    return start_daphne(env).replace("http", "ws")


def test_without_the_right_token_the_client_reads_why_and_gets_4401_and_with_it_the_feed(daphne):
    for query in ("", "?token=wrong", f"?token={TOKEN}x", "?printer=demo&token="):
        with connect(f"{daphne}/ws/status{query}", open_timeout=10) as websocket:
            error = json.loads(websocket.recv(timeout=10))
            with pytest.raises(ConnectionClosed) as closed:
                websocket.recv(timeout=10)
        assert error["type"] == "error", query
        assert "?token=<STATUS_WS_TOKEN>" in error["detail"]
        assert TOKEN not in error["detail"]
        assert closed.value.rcvd.code == 4401, query

    with connect(f"{daphne}/ws/status?token={TOKEN}", open_timeout=10) as websocket:
        first = json.loads(websocket.recv(timeout=10))  # no status stored yet: the demo printer's connection
        websocket.send('{"type": "ping"}')
        reply = json.loads(websocket.recv(timeout=10))
    assert (first["type"], first["printer"]) == ("connection", "demo")
    assert reply == {"type": "pong"}
