"""./deploy_dev.sh starts the development setup (daphne's runserver with
/ws/status, a Celery worker with beat) and Ctrl-C stops all of it."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import healthz, ping, wait_until

pytestmark = pytest.mark.slow


def _running_from(directory: Path) -> list[str]:
    """Command lines of the live processes started from ``directory``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if state != "Z" and command and (cwd == str(directory) or str(directory) in command):
            found.append(f"{entry.name}: {command}")
    return found


def _answers(port: int) -> bool:
    try:
        return healthz(port)[0] == 200
    except OSError:
        return False


def test_it_serves_http_and_websockets_runs_the_worker_and_stops_on_ctrl_c(deployment):
    directory, port = deployment.directory, deployment.port
    output = directory.parent / "deploy_dev.out"
    with output.open("w") as sink:
        process = subprocess.Popen(
            ["./deploy_dev.sh", "--no-install"],
            cwd=directory,
            env=deployment.env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as in a terminal
        )
    try:
        wait_until(lambda: process.poll() is not None or _answers(port), timeout=90, what="/healthz")
        assert process.poll() is None, output.read_text()
        assert ping(port) == {"type": "pong"}
        worker = subprocess.run(
            [sys.executable, "manage.py", "ping_worker", "--timeout", "60"],
            cwd=directory,
            env={**deployment.env, "APP_ENV": "development"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert worker.returncode == 0, worker.stdout + worker.stderr + output.read_text()
        # The answer names the pool process that ran the task: one of this copy's.
        answered = re.search(r"pong from \S+ \(pid (\d+)\)", worker.stdout)
        assert answered, worker.stdout
        running = _running_from(directory)
        assert any(line.startswith(f"{answered[1]}: ") and "celery" in line for line in running), running
        assert any("runserver" in line for line in running), running

        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal

        assert process.wait(timeout=40) == 0, output.read_text()
        assert _running_from(directory) == []
        assert not _answers(port)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
