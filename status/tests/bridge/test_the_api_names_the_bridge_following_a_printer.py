"""GET /api/printers/{slug} names the bridge following the printer in connection.bridge (a real run_bridge
process and a real daphne on PostgreSQL); "" once no bridge follows it."""

import json
import urllib.request

import pytest

from status.tests.bridge.conftest import wait_for
from status.tests.printer_api import ADMIN_TOKEN

pytestmark = pytest.mark.slow


def connection_of(url: str, slug: str) -> dict:
    with urllib.request.urlopen(f"{url}/api/printers/{slug}", timeout=5) as response:
        return json.load(response)["connection"]


def test_the_connection_names_the_bridge_and_none_once_the_printer_is_disabled(bridge_site, start_daphne):
    env, _db, start_bridge, _run_django = bridge_site
    start_bridge("bay-bridge-1")
    url = start_daphne({**env, "PRINTER_ADMIN_TOKEN": ADMIN_TOKEN})

    followed = wait_for(
        lambda: (c := connection_of(url, "demo"))["bridge"] == "bay-bridge-1" and c,
        timeout=20,
        what="the demo printer followed by bay-bridge-1",
    )
    assert followed["state"] == "connected"

    request = urllib.request.Request(
        f"{url}/api/printers/demo",
        data=json.dumps({"enabled": False}).encode(),
        method="PATCH",
        headers={"Content-Type": "application/json", "X-Printer-Admin-Key": ADMIN_TOKEN},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200

    disabled = wait_for(
        lambda: (c := connection_of(url, "demo"))["state"] == "disabled" and c, timeout=10, what="disabled"
    )
    assert disabled["bridge"] == ""
