"""A new copy that does not become healthy is stopped and the previous one,
with its own command line and environment, runs again."""

import socket
from pathlib import Path

import pytest

from .conftest import healthz, main_processes

pytestmark = pytest.mark.slow


def test_the_previous_copy_serves_again_after_a_failed_restart(deployment):
    first = deployment.run()
    assert first.returncode == 0, first.stdout + first.stderr
    previous = main_processes(deployment.directory)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nothing_there = closed.getsockname()[1]

    # Passes every check, but /healthz answers 503 (Redis unavailable).
    result = deployment.run("restart", REDIS_URL=f"redis://127.0.0.1:{nothing_there}/0", DEPLOY_WAIT_SECONDS="5")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "did not answer 200 within 5 s" in result.stderr
    assert "the previous copy runs again" in result.stderr
    assert healthz(deployment.port) == (200, {"status": "ok", "database": "ok", "storage": "ok"})
    again = main_processes(deployment.directory)
    assert {kind: len(pids) for kind, pids in again.items()} == {"web": 1, "daphne": 0, "celery": 1, "bridge": 0}, again
    assert set(again["web"]).isdisjoint(previous["web"])
    environment = Path(f"/proc/{again['web'][0]}/environ").read_bytes().split(b"\0")
    assert not any(entry.startswith(b"REDIS_URL=") for entry in environment)
    status = deployment.run("status")
    assert status.returncode == 0, status.stdout + status.stderr
