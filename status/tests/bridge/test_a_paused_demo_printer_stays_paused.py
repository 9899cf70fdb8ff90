"""After a control call pauses the demo printer, every status after it says paused: the bridge's next sample too."""

import json
import time
import urllib.request

import pytest
from websockets.sync.client import connect

pytestmark = pytest.mark.slow

CONTROL_TOKEN = "control-token-0123456789abcdef"


def test_the_bridge_never_flaps_back_to_printing(project_env, manage, tmp_path):
    from status.tests.bridge.conftest import EmbeddedSite, wait_for

    url = f"sqlite:///{tmp_path}/site.sqlite3"
    env = project_env(DATABASE_URL=url, PRINTER_CONTROL_TOKEN=CONTROL_TOKEN, BRIDGE_RELOAD_MS="2000")
    assert manage("migrate", "--noinput", env=env).returncode == 0
    site = EmbeddedSite(env, url, tmp_path)
    # Ten minutes into the demo's hourly cycle: printing.
    site.db.rows("UPDATE status_printer SET created_at = datetime('now', '-10 minutes') WHERE slug = 'demo'")
    site.start()
    try:
        site.wait_status("demo", lambda s: s["state"] == "printing", what="printing")
        with connect(site.url.replace("http", "ws") + "/ws/status?printer=demo", open_timeout=10) as ws:
            request = urllib.request.Request(
                f"{site.url}/api/printers/demo/actions/pause",
                method="POST",
                headers={"X-Printer-Control-Key": CONTROL_TOKEN},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
            states = []
            deadline = time.monotonic() + 3  # longer than a lease round and three bridge samples
            while time.monotonic() < deadline:
                try:
                    message = json.loads(ws.recv(timeout=0.5))
                except TimeoutError:
                    continue
                if message["type"] == "status":  # not the connection messages
                    states.append(message["payload"]["state"])
        first_paused = states.index("paused")
        assert set(states[first_paused:]) == {"paused"}, states
        assert len(states) - first_paused >= 2  # the bridge's own samples came, and said paused
        wait_for(lambda: site.status("demo")["state"] == "paused", timeout=2, what="paused over REST")
    finally:
        site.stop()
