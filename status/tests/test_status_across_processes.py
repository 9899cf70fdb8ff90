"""With REDIS_URL, a status produced in one daphne process reaches a client of another."""

import json
import subprocess
import sys
import time
import urllib.request

import pytest
from websockets.sync.client import connect

from conftest import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.requires_redis]


def _wait_healthy(port, process):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"daphne on {port} exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"daphne on {port} did not become healthy")


@pytest.fixture
def two_daphnes(redis_url, project_env, manage, tmp_path, unique_name):
    env = project_env(
        REDIS_URL=redis_url,
        DATABASE_URL=f"sqlite:///{tmp_path}/shared.sqlite3",
        STATUS_HISTORY_MIN_INTERVAL_MS="0",
    )
    assert manage("migrate", "--noinput", env=env).returncode == 0
    processes, ports = [], []
    for _ in range(2):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "klipperiwc_site.asgi:application"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        ports.append(port)
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_healthy(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)


def test_a_status_from_one_process_reaches_a_client_of_the_other(two_daphnes):
    producer_port, consumer_port = two_daphnes
    with connect(f"ws://127.0.0.1:{consumer_port}/ws/status?printer=demo", open_timeout=10) as websocket:
        with urllib.request.urlopen(f"http://127.0.0.1:{producer_port}/api/status", timeout=10) as response:
            produced = json.load(response)
        deadline = time.monotonic() + 10
        while True:
            message = json.loads(websocket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message["type"] == "status" and message["payload"]["updated_at"] == produced["updated_at"]:
                break
    assert message["printer"] == "demo"
    assert message["payload"] == produced
