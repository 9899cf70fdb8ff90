"""A control the server refuses shows the server's own message next to the button that made it."""

import pytest
from playwright.sync_api import expect

from status.tests.browser.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def _unlock(site, page, slug):
    page.goto(f"{site.url}/printers/{slug}")
    page.get_by_test_id("token-input").fill(site.control_token)
    page.get_by_test_id("token-submit").click()
    expect(page.get_by_test_id("controls")).to_be_visible()


def test_printing_a_file_while_printing_shows_the_printers_refusal(farm_site):
    site = farm_site
    klippy = site.printers["alpha"]
    site.start_print("alpha", "long.gcode", layers=60, lines_per_layer=20)
    page = site.page
    _unlock(site, page, "alpha")
    item = page.get_by_test_id("files").locator("li", has_text="long.gcode")
    item.get_by_test_id("print-file").click()
    message = item.get_by_test_id("print-message")
    expect(message).to_contain_text("SD busy")
    expect(message).to_have_class("pp-out pp-error")
    # The very text the API answers, not a text of the page's own.
    import httpx

    answer = httpx.post(
        f"{site.url}/api/printers/alpha/print",
        json={"filename": "long.gcode"},
        headers={"X-Printer-Control-Key": site.control_token},
    )
    assert answer.status_code == 409
    assert message.text_content() == answer.json()["detail"]
    assert klippy.print_stats()["state"] == "printing"
    # Only that button's place says so.
    expect(page.get_by_test_id("out-pause")).to_have_text("")


def test_an_action_on_a_printer_whose_klippy_is_down_shows_why(farm_site):
    site = farm_site
    klippy = site.printers["beta"]
    page = site.page
    _unlock(site, page, "beta")
    klippy.klippy_call("standin/set_state", state="error", message="MCU 'mcu' shutdown: Timer too close")
    wait_for(
        lambda: site.get("/api/printers/beta")["connection"]["state"] == "klippy_not_ready",
        timeout=20,
        what="beta klippy_not_ready",
    )
    expect(page.get_by_test_id("connection-problem")).to_contain_text("klippy not ready", timeout=10_000)
    page.get_by_test_id("action-pause").click()
    out = page.get_by_test_id("out-pause")
    expect(out).to_contain_text("klippy is not ready")
    expect(out).to_contain_text("Printer 'beta' is offline")
