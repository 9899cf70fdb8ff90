"""With REDIS_URL, a status produced in one daphne process reaches a client of another."""

import json
import time
import urllib.request

import pytest
from websockets.sync.client import connect

pytestmark = [pytest.mark.slow, pytest.mark.requires_redis]


def test_a_status_from_one_process_reaches_a_client_of_the_other(
    redis_url, project_env, manage, tmp_path, start_daphne
):
    env = project_env(
        REDIS_URL=redis_url,
        DATABASE_URL=f"sqlite:///{tmp_path}/shared.sqlite3",
        STATUS_HISTORY_MIN_INTERVAL_MS="0",
    )
    assert manage("migrate", "--noinput", env=env).returncode == 0
    producer, consumer = start_daphne(env), start_daphne(env)
    with connect(consumer.replace("http", "ws") + "/ws/status?printer=demo", open_timeout=10) as websocket:
        with urllib.request.urlopen(f"{producer}/api/status", timeout=10) as response:
            produced = json.load(response)
        deadline = time.monotonic() + 10
        while True:
            message = json.loads(websocket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message["type"] == "status" and message["payload"]["updated_at"] == produced["updated_at"]:
                break
    assert message["printer"] == "demo"
    assert message["payload"] == produced
