"""Embedded mode (no REDIS_URL, so BRIDGE_MODE=web): ./deploy.sh starts no
bridge process; the bridge inside the web server follows the demo printer and
history grows with nobody asking; status says where the bridge runs."""

import pytest

from .conftest import demo_followed_by, main_processes, processes, wait_for_history_growth, wait_until

pytestmark = pytest.mark.slow


def test_no_bridge_process_starts_and_history_grows(deployment):
    directory = deployment.directory
    database = f"sqlite:///{directory / 'data' / 'klipperiwc.sqlite3'}"

    result = deployment.run()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "BRIDGE_MODE=web: the bridge runs inside the web server; no bridge process." in result.stdout
    mains = main_processes(directory)
    assert {kind: len(pids) for kind, pids in mains.items()} == {"web": 1, "daphne": 0, "celery": 1, "bridge": 0}
    assert list((directory / "logs").glob("bridge-*.pid")) == []
    daphnes = [pid for pid, (kind, _) in processes(directory).items() if kind == "daphne"]
    follower = wait_until(lambda: demo_followed_by(database), what="the web server to connect the demo printer")
    assert follower in daphnes
    wait_for_history_growth(database)

    status = deployment.run("status")

    assert status.returncode == 0, status.stdout + status.stderr
    assert "bridge: inside the web server (BRIDGE_MODE=web); no process of its own" in status.stdout
