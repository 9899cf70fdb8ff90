"""Embedded mode end to end: a real daphne, its in-process channel layer, a WebSocket client, GET /api/status."""

import json
import time
import urllib.request

import pytest
from websockets.sync.client import connect

pytestmark = pytest.mark.slow


@pytest.fixture
def daphne(project_env, manage, tmp_path, start_daphne):
    # No bridge inside daphne: what reaches the socket is what the GETs produced.
    env = project_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/live.sqlite3", STATUS_HISTORY_MIN_INTERVAL_MS="0", BRIDGE_MODE="process"
    )
    assert manage("migrate", "--noinput", env=env).returncode == 0
    return start_daphne(env)


def test_gets_reach_the_socket_coalesced_in_order_and_the_last_one_arrives(daphne):
    """Ten GETs in a burst: the socket gets at most 4 messages in any second, in order, ending with the newest."""
    with connect(daphne.replace("http", "ws") + "/ws/status", open_timeout=10) as websocket:
        produced = []
        for _ in range(10):
            with urllib.request.urlopen(f"{daphne}/api/status", timeout=10) as response:
                produced.append(json.load(response))
        received = []
        while not received or received[-1]["payload"] != produced[-1]:
            message = json.loads(websocket.recv(timeout=10))
            if message["type"] == "status":  # not the printer's connection, sent on connect
                received.append(message | {"at": time.monotonic()})
    seqs = [m["seq"] for m in received]
    assert seqs == sorted(set(seqs))
    assert all(m["payload"] in produced for m in received)
    # Coalesced: the first four at once, the other six folded into the newest, sent when the second is over.
    assert len(received) == 5, [m["seq"] for m in received]
    assert len(received) < len(produced)


def test_requests_run_concurrently_without_errors(daphne):
    from concurrent.futures import ThreadPoolExecutor

    def fetch(_):
        with urllib.request.urlopen(f"{daphne}/api/status", timeout=20) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert set(pool.map(fetch, range(200))) == {200}
