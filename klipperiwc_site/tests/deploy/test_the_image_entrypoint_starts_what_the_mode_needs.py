"""scripts/docker-entrypoint.sh, run as the image runs it (outside a container:
no Docker engine here): the default `web` role alone follows the printers in
embedded mode (the bridge inside daphne); in scaled mode the web role runs no
bridge and the `bridge` role does, stopping cleanly on SIGTERM (docker stop)."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import stop_process

from .conftest import answers, demo_followed_by, processes, query, wait_for_history_growth, wait_until

pytestmark = pytest.mark.slow


def _role(deployment, *args: str, **env: str) -> subprocess.Popen:
    directory = deployment.directory
    log = (directory.parent / f"entrypoint-{'-'.join(args) or 'web'}.log").open("w")
    return subprocess.Popen(
        ["scripts/docker-entrypoint.sh", *args],
        cwd=directory,
        # The image's python and celery are on PATH; here the test run's virtualenv provides them.
        env={
            **deployment.env,
            "PATH": f"{Path(sys.prefix) / 'bin'}:{deployment.env['PATH']}",
            "SECRET_KEY": "entrypoint-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            **env,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _serving(deployment, web: subprocess.Popen) -> None:
    wait_until(lambda: web.poll() is not None or answers(deployment.port), timeout=90, what="/healthz")
    assert web.poll() is None, (deployment.directory.parent / "entrypoint-web.log").read_text()


def test_the_web_role_alone_runs_the_bridge_in_embedded_mode(deployment):
    database = f"sqlite:///{deployment.directory / 'data' / 'klipperiwc.sqlite3'}"
    web = _role(deployment)
    try:
        _serving(deployment, web)
        follower = wait_until(lambda: demo_followed_by(database), what="the web role to connect the demo printer")
        assert processes(deployment.directory)[follower][0] == "daphne"
        wait_for_history_growth(database)
    finally:
        stop_process(web)


@pytest.mark.requires_postgres
@pytest.mark.requires_redis
def test_the_bridge_role_follows_the_printers_in_scaled_mode(deployment, postgres_database, redis_server):
    scaled = {"DATABASE_URL": postgres_database, "REDIS_URL": redis_server.url}
    web = _role(deployment, **scaled)
    bridge = None
    try:
        _serving(deployment, web)
        bridge = _role(deployment, "bridge", **scaled)
        # The entry point execs run_bridge: the container's main process is the bridge.
        wait_until(
            lambda: bridge.poll() is not None or demo_followed_by(postgres_database) == bridge.pid,
            what="the bridge role to connect the demo printer",
        )
        assert bridge.poll() is None, (deployment.directory.parent / "entrypoint-bridge.log").read_text()
        wait_for_history_growth(postgres_database)

        bridge.send_signal(signal.SIGTERM)  # docker stop

        assert bridge.wait(timeout=30) == 0
        assert query(postgres_database, "SELECT count(*) FROM printer_bridge_leases")[0][0] == 0
    finally:
        if bridge is not None:
            stop_process(bridge)
        stop_process(web)
