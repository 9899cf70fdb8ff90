"""Embedded site, real Moonraker: a wrong key reaches a /ws/status client as an auth_failed connection message,
and the corrected key as connected, each as GET /api/printers/ then shows it."""

import json
import time

import pytest
from websockets.sync.client import connect

from status.tests.bridge.conftest import wait_for

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def next_connection(ws, state, *, timeout=15):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        try:
            message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        except TimeoutError:
            break
        if message["type"] == "connection":
            seen.append(message["connection"]["state"])
            if message["connection"]["state"] == state:
                return message
    raise AssertionError(f"no {state} connection message within {timeout} s (saw {seen})")


def test_auth_failed_then_connected_reach_the_socket(moonraker_printer, embedded_site):
    printer = moonraker_printer()
    embedded_site.add_moonraker_printer("locked", printer, api_key="not-the-key-0123456789abcdef")
    embedded_site.start()

    def listed():
        return {p["slug"]: p for p in embedded_site.get("/api/printers/")["results"]}["locked"]["connection"]

    with connect(embedded_site.url.replace("http", "ws") + "/ws/status?printer=locked", open_timeout=10) as ws:
        failed = next_connection(ws, "auth_failed")
        assert failed["printer"] == "locked"
        assert "key" in failed["connection"]["message"].lower()
        api = wait_for(lambda: (c := listed())["state"] == "auth_failed" and c, timeout=5, what="auth_failed")
        assert {k: api[k] for k in ("state", "message", "since")} == failed["connection"]

        embedded_site.db.rows(
            "UPDATE status_printer SET api_key = %s, updated_at = CURRENT_TIMESTAMP WHERE slug = 'locked'",
            (printer.api_key,),
        )
        connected = next_connection(ws, "connected")
    assert connected["connection"]["message"] == ""
    assert listed()["state"] == "connected"
