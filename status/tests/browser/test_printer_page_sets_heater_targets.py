"""A heater's target set on the page reaches the printer (SET_HEATER_TEMPERATURE), and Off turns it off."""

import pytest
from playwright.sync_api import expect

from status.tests.browser.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def target(klippy, heater):
    return klippy.query(heater)[heater]["target"]


def test_heater_targets_from_the_page_reach_the_printer(farm_site):
    site = farm_site
    klippy = site.printers["alpha"]
    page = site.page
    page.goto(f"{site.url}/printers/alpha")
    page.get_by_test_id("token-input").fill(site.control_token)
    page.get_by_test_id("token-submit").click()
    extruder = page.locator("tr[data-component=extruder]")
    bed = page.locator("tr[data-component=heater_bed]")

    # Typed slowly while the bed heats (statuses several times a second): the row keeps the focus.
    klippy.result("POST", "/printer/gcode/script", script="M140 S40")
    extruder.get_by_test_id("target-input").click()
    extruder.get_by_test_id("target-input").press_sequentially("185", delay=400)
    expect(extruder.get_by_test_id("target-input")).to_have_value("185")
    extruder.get_by_test_id("target-set").click()
    expect(extruder.get_by_test_id("target-message")).to_have_text("Target 185 °C set.")
    wait_for(lambda: target(klippy, "extruder") == 185.0, timeout=10, what="extruder target 185")
    expect(extruder.get_by_test_id("heater-value")).to_contain_text("/ 185 °C")

    bed.get_by_test_id("target-input").fill("60")  # replaces the 40 set above
    bed.get_by_test_id("target-input").press("Enter")
    wait_for(lambda: target(klippy, "heater_bed") == 60.0, timeout=10, what="bed target 60")
    assert target(klippy, "extruder") == 185.0

    extruder.get_by_test_id("target-off").click()
    expect(extruder.get_by_test_id("target-message")).to_have_text("Heater off.")
    wait_for(lambda: target(klippy, "extruder") == 0.0, timeout=10, what="extruder off")
    # A sensor has no target to set.
    expect(
        page.locator('tr[data-component="temperature_sensor chamber"]').get_by_test_id("target-input")
    ).to_have_count(0)
