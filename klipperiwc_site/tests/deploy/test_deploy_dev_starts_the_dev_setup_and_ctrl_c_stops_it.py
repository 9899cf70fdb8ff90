"""./deploy_dev.sh starts the development setup (daphne's runserver with
/ws/status and, in embedded mode, the bridge inside it; a Celery worker with
beat) and Ctrl-C stops all of it."""

import os
import re
import signal
import subprocess
import sys

import pytest

from .conftest import answers, demo_followed_by, ping, running_from, wait_until

pytestmark = pytest.mark.slow


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
        wait_until(lambda: process.poll() is not None or answers(port), timeout=90, what="/healthz")
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
        running = running_from(directory)
        assert any(line.startswith(f"{answered[1]}: ") and "celery" in line for line in running), running
        assert any("runserver" in line for line in running), running
        assert not any("run_bridge" in line for line in running), running
        # The bridge runs inside the dev server's server process (the autoreloader's child).
        follower = wait_until(
            lambda: demo_followed_by(f"sqlite:///{directory / 'data' / 'klipperiwc.sqlite3'}"),
            what="the dev server to connect the demo printer",
        )
        assert any(line.startswith(f"{follower}: ") and "runserver" in line for line in running), running
        assert "The bridge runs inside the dev server (BRIDGE_MODE=web)." in output.read_text()

        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal

        assert process.wait(timeout=40) == 0, output.read_text()
        assert running_from(directory) == []
        assert not answers(port)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
