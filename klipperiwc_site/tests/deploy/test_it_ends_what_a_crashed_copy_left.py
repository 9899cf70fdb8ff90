"""After kill -9 of supervisord and the daemons, what they started (daphne,
Celery's beat, the upload checker's helpers, the event listener) is reparented
to init and keeps running; nothing restarts them, status says so, and the next
./deploy.sh ends it before starting the new copy."""

import os
import signal

import pytest

from .conftest import healthz, main_processes, processes, session_members, wait_until

pytestmark = pytest.mark.slow


def test_restart_after_kill_9_ends_the_orphans_and_serves(deployment):
    directory = deployment.directory
    first = deployment.run()
    assert first.returncode == 0, first.stdout + first.stderr
    # supervisord leads the session that holds every daemon and what they start.
    session = int((directory / "logs" / "supervisord.pid").read_text())
    crashed = main_processes(directory)
    daemons = [crashed["web"][0], crashed["celery"][0]]
    for pid in [session, *daemons]:
        os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not set(daemons) & set(processes(directory)), what="the killed daemons to be gone")
    orphans = session_members(session)
    daphnes = [pid for pid in orphans if processes(directory).get(pid, ("",))[0] == "daphne"]
    assert daphnes, "the web server's daphne process outlives it (and holds the port)"

    status = deployment.run("status")
    assert status.returncode == 3, status.stdout + status.stderr
    assert f"supervisord: not running (pid {session} is gone, but" in status.stdout

    result = deployment.run("restart")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "is gone, but" in result.stdout
    assert session_members(session) == []
    assert healthz(deployment.port) == (200, {"status": "ok", "database": "ok", "storage": "ok"})
    now = main_processes(directory)
    assert {kind: len(pids) for kind, pids in now.items()} == {"web": 1, "daphne": 0, "celery": 1, "bridge": 0}, now
