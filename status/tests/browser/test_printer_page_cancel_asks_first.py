"""Cancel asks in a dialog first: dismissed, the printer goes on printing; confirmed, the print is cancelled."""

import pytest
from playwright.sync_api import expect

from status.tests.browser.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_cancel_asks_first_and_only_a_confirmation_cancels(farm_site):
    site = farm_site
    klippy = site.printers["alpha"]
    site.start_print("alpha", "long.gcode", layers=60, lines_per_layer=20)
    page = site.page
    page.goto(f"{site.url}/printers/alpha")
    page.get_by_test_id("token-input").fill(site.control_token)
    page.get_by_test_id("token-submit").click()
    dialog = page.get_by_test_id("confirm-dialog")

    page.get_by_test_id("action-cancel").click()
    expect(dialog).to_be_visible()
    assert page.evaluate("document.querySelector('[data-testid=confirm-dialog]').open") is True
    expect(dialog).to_contain_text("Cancel the print")
    page.get_by_test_id("confirm-dismiss").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("out-cancel")).to_have_text("Not sent.")
    page.wait_for_timeout(1000)
    assert klippy.print_stats()["state"] == "printing"

    # Escape dismisses as well.
    page.get_by_test_id("action-cancel").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(500)
    assert klippy.print_stats()["state"] == "printing"

    page.get_by_test_id("action-cancel").click()
    expect(dialog).to_be_visible()
    page.get_by_test_id("confirm-ok").click()
    expect(page.get_by_test_id("out-cancel")).to_have_text("Done (ok).")
    wait_for(lambda: klippy.print_stats()["state"] == "cancelled", timeout=10, what="klippy cancelled")
    expect(page.get_by_test_id("state")).not_to_have_text("printing", timeout=10_000)


def test_emergency_stop_asks_first(farm_site):
    site = farm_site
    klippy = site.printers["beta"]
    page = site.page
    page.goto(f"{site.url}/printers/beta")
    page.get_by_test_id("token-input").fill(site.control_token)
    page.get_by_test_id("token-submit").click()
    dialog = page.get_by_test_id("confirm-dialog")

    page.get_by_test_id("action-emergency-stop").click()
    expect(dialog).to_be_visible()
    page.get_by_test_id("confirm-dismiss").click()
    page.wait_for_timeout(500)
    assert klippy.query("webhooks")["webhooks"]["state"] == "ready"

    page.get_by_test_id("action-emergency-stop").click()
    expect(page.get_by_test_id("confirm-ok")).to_have_text("Emergency stop")
    page.get_by_test_id("confirm-ok").click()
    wait_for(lambda: klippy.query("webhooks")["webhooks"]["state"] == "shutdown", timeout=10, what="klippy shutdown")
