"""Embedded mode: the bridge inside daphne collects the demo printer's status with nobody watching."""

import time

import pytest

from status.tests.bridge.conftest import SiteDatabase, wait_for

pytestmark = pytest.mark.slow


def test_history_grows_without_any_request(project_env, manage, tmp_path, start_daphne):
    url = f"sqlite:///{tmp_path}/embedded.sqlite3"
    env = project_env(DATABASE_URL=url)
    assert manage("migrate", "--noinput", env=env).returncode == 0
    start_daphne(env)  # polls /healthz only, which reads no printer
    db = SiteDatabase(url)
    count = "SELECT COUNT(*) FROM status_history"
    wait_for(lambda: db.value(count) >= 3, timeout=15, what="three snapshots with no client")
    assert db.value("SELECT state FROM printer_connections") == "connected"
    assert db.value("SELECT COUNT(*) FROM printer_bridge_leases") == 1


def test_no_bridge_runs_in_daphne_when_the_bridge_is_its_own_process(project_env, manage, tmp_path, start_daphne):
    url = f"sqlite:///{tmp_path}/embedded.sqlite3"
    env = project_env(DATABASE_URL=url, BRIDGE_MODE="process")
    assert manage("migrate", "--noinput", env=env).returncode == 0
    start_daphne(env)
    db = SiteDatabase(url)
    # Proving an absence takes a wait: an embedded bridge's first lease round
    # and snapshot come within a second (the test above).
    time.sleep(2)
    assert db.value("SELECT COUNT(*) FROM printer_bridge_leases") == 0
    assert db.value("SELECT COUNT(*) FROM status_history") == 0
