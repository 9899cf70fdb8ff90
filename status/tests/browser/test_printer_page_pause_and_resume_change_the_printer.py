"""Pause and Resume on the printer page pause and resume the real printer (klippy's print_stats)."""

import pytest
from playwright.sync_api import expect

from status.tests.browser.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_pause_and_resume_from_the_page_change_the_printer(farm_site):
    site = farm_site
    klippy = site.printers["alpha"]
    site.start_print("alpha", "long.gcode", layers=60, lines_per_layer=20)
    page = site.page
    page.goto(f"{site.url}/printers/alpha")
    page.get_by_test_id("token-input").fill(site.control_token)
    page.get_by_test_id("token-submit").click()
    expect(page.get_by_test_id("controls")).to_be_visible()

    page.get_by_test_id("action-pause").click()
    expect(page.get_by_test_id("out-pause")).to_have_text("Done (ok).")
    wait_for(lambda: klippy.print_stats()["state"] == "paused", timeout=10, what="klippy paused")
    expect(page.get_by_test_id("state")).to_have_text("paused", timeout=10_000)
    # Paused means stopped: the file position no longer moves.
    position = klippy.query("virtual_sdcard")["virtual_sdcard"]["file_position"]
    page.wait_for_timeout(500)
    assert klippy.query("virtual_sdcard")["virtual_sdcard"]["file_position"] == position

    page.get_by_test_id("action-resume").click()
    expect(page.get_by_test_id("out-resume")).to_have_text("Done (ok).")
    wait_for(lambda: klippy.print_stats()["state"] == "printing", timeout=10, what="klippy printing again")
    wait_for(
        lambda: klippy.query("virtual_sdcard")["virtual_sdcard"]["file_position"] > position,
        timeout=10,
        what="the print to go on",
    )
    expect(page.get_by_test_id("state")).to_have_text("printing", timeout=10_000)
