"""With REDIS_URL (BRIDGE_MODE=process) ./deploy_dev.sh also starts the bridge,
`manage.py run_bridge`, which follows the demo printer; Ctrl-C stops it, and it
gives its lease back."""

import os
import signal
import subprocess

import pytest

from .conftest import answers, demo_followed_by, query, running_from, wait_for_history_growth, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.requires_postgres, pytest.mark.requires_redis]


def test_the_bridge_runs_beside_the_dev_server_and_stops_on_ctrl_c(deployment, postgres_database, redis_server):
    directory, port = deployment.directory, deployment.port
    output = directory.parent / "deploy_dev.out"
    with output.open("w") as sink:
        process = subprocess.Popen(
            ["./deploy_dev.sh", "--no-install"],
            cwd=directory,
            env={**deployment.env, "DATABASE_URL": postgres_database, "REDIS_URL": redis_server.url},
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as in a terminal
        )
    try:
        wait_until(lambda: process.poll() is not None or answers(port), timeout=90, what="/healthz")
        assert process.poll() is None, output.read_text()
        follower = wait_until(
            lambda: demo_followed_by(postgres_database), what="the bridge to connect the demo printer"
        )
        running = running_from(directory)
        assert any(line.startswith(f"{follower}: ") and "manage.py run_bridge" in line for line in running), running
        assert f"Bridge pid {follower}." in output.read_text()
        wait_for_history_growth(postgres_database)

        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal

        assert process.wait(timeout=40) == 0, output.read_text()
        assert running_from(directory) == []
        assert query(postgres_database, "SELECT count(*) FROM printer_bridge_leases")[0][0] == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
