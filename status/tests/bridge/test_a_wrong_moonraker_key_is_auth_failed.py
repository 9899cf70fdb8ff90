"""A printer configured with a wrong API key shows auth_failed and offline; fixing the key reconnects it."""

import pytest

from status.tests.bridge.conftest import wait_for

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_a_wrong_key_is_auth_failed_and_a_corrected_one_connects(moonraker_printer, embedded_site):
    printer = moonraker_printer()
    embedded_site.add_moonraker_printer("locked", printer, api_key="not-the-key-0123456789abcdef")
    embedded_site.start()

    def connection():
        listed = {p["slug"]: p for p in embedded_site.get("/api/printers/")["results"]}
        return listed["locked"]["connection"]

    failed = wait_for(lambda: (c := connection())["state"] == "auth_failed" and c, timeout=10, what="auth_failed")
    assert "key" in failed["message"].lower()
    status = embedded_site.status("locked")
    assert status["state"] == "offline"
    assert "not-the-key" not in embedded_site.logs()

    embedded_site.db.rows(
        "UPDATE status_printer SET api_key = %s, updated_at = CURRENT_TIMESTAMP WHERE slug = 'locked'",
        (printer.api_key,),
    )
    wait_for(lambda: connection()["state"] == "connected", timeout=10, what="connected with the right key")
    embedded_site.wait_status("locked", lambda s: s["state"] == "idle", what="idle")
