"""Embedded mode end to end: a real daphne, its in-process channel layer, a WebSocket client, GET /api/status."""

import json
import urllib.request

import pytest
from websockets.sync.client import connect

pytestmark = pytest.mark.slow


@pytest.fixture
def daphne(project_env, manage, tmp_path, start_daphne):
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path}/live.sqlite3", STATUS_HISTORY_MIN_INTERVAL_MS="0")
    assert manage("migrate", "--noinput", env=env).returncode == 0
    return start_daphne(env)


def test_every_get_reaches_the_socket_in_order(daphne):
    with connect(daphne.replace("http", "ws") + "/ws/status", open_timeout=10) as websocket:
        produced = []
        for _ in range(5):
            with urllib.request.urlopen(f"{daphne}/api/status", timeout=10) as response:
                produced.append(json.load(response))
        received = []
        while len(received) < 5:
            message = json.loads(websocket.recv(timeout=10))
            received.append(message)
    assert [m["payload"] for m in received] == produced
    seqs = [m["seq"] for m in received]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 5


def test_requests_run_concurrently_without_errors(daphne):
    from concurrent.futures import ThreadPoolExecutor

    def fetch(_):
        with urllib.request.urlopen(f"{daphne}/api/status", timeout=20) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert set(pool.map(fetch, range(200))) == {200}
