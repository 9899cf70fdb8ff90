"""Embedded mode end to end: a real daphne, its in-process channel layer, a WebSocket client, GET /api/status."""

import json
import subprocess
import sys
import time
import urllib.request

import pytest
from websockets.sync.client import connect

from conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture
def daphne(project_env, manage, tmp_path, free_port):
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path}/live.sqlite3", STATUS_HISTORY_MIN_INTERVAL_MS="0")
    assert manage("migrate", "--noinput", env=env).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(free_port), "klipperiwc_site.asgi:application"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{free_port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=30)


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
