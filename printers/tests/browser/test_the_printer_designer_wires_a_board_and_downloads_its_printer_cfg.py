"""In Chromium: pick a board in the printer designer, assign the axes, heaters and fans (one by clicking
the board's connector), see the rotation-distance formula and a problem shown on its field, preview the
printer.cfg and download it: the file equals what the API generates for the same definition. Screenshots
from a phone to a wall screen, light and dark, with no horizontal overflow."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from klipperiwc_site.tests.browser.csp_watch import watch
from klipperiwc_site.tests.browser.layout import HEIGHTS, WIDTHS, assert_no_horizontal_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(project_env, manage, start_daphne, tmp_path):
    env = project_env(
        APP_ENV="development",
        SECRET_KEY="browser-tests-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        BRIDGE_MODE="process",
    )
    for command in (("migrate", "--noinput"), ("sync_boards",)):
        assert manage(*command, env=env).returncode == 0
    return start_daphne(env)


def generated(url: str, definition: dict) -> bytes:
    request = urllib.request.Request(
        f"{url}/api/printers-catalog/printer.cfg",
        data=json.dumps(definition).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.read()


def test_wire_preview_and_download(site, chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    refusals = watch(page)
    page.goto(f"{site}/printer-designer")
    page.wait_for_function("() => window.printerDesigner !== undefined")

    page.get_by_test_id("pd-board").select_option("creality-4.2.2")
    expect(page.get_by_test_id("slot-x-driver").locator("option")).not_to_have_count(1)
    for axis, driver, stop in (("x", "DRIVER_X", "X_STOP"), ("y", "DRIVER_Y", "Y_STOP"), ("z", "DRIVER_Z", "Z_STOP")):
        page.get_by_test_id(f"slot-{axis}-driver").select_option(driver)
        page.get_by_test_id(f"slot-{axis}-endstop").select_option(stop)
    expect(page.get_by_test_id("formula-x")).to_have_text(
        "rotation_distance = belt pitch \u00d7 pulley teeth = 2 mm \u00d7 20 = 40 mm"
    )
    expect(page.get_by_test_id("formula-z")).to_contain_text("screw pitch \u00d7 starts = 2 mm \u00d7 4 = 8 mm")
    page.get_by_test_id("slot-extruder-driver").select_option("DRIVER_E")
    page.get_by_test_id("rotation-e").fill("34.406")
    page.get_by_test_id("slot-extruder-heater").select_option("HEATER1")
    page.get_by_test_id("slot-extruder-thermistor").select_option("TH1")
    page.get_by_test_id("slot-bed-heater").select_option("HOT_BED")
    page.get_by_test_id("slot-bed-thermistor").select_option("TB1")
    # The part fan by clicking its connector on the board (this board has no picture: its list).
    page.get_by_test_id("slot-fans-part").focus()
    page.get_by_test_id("pd-connectors").get_by_role("button", name="FAN · fan").click()
    expect(page.get_by_test_id("slot-fans-part")).to_have_value("FAN")
    expect(page.get_by_test_id("pd-status")).to_have_text("Valid: printer.cfg generated.")
    expect(page.get_by_test_id("pd-preview")).to_contain_text("[stepper_x]")

    # A problem shows on its field: the same fan twice.
    page.get_by_test_id("slot-fans-hotend").select_option("FAN")
    expect(page.get_by_test_id("pd-problems")).to_contain_text("used twice")
    expect(page.get_by_test_id("slot-fans-hotend")).to_have_class("has-problem")
    expect(page.get_by_test_id("pd-download")).to_be_disabled()
    page.get_by_test_id("slot-fans-hotend").select_option("")
    expect(page.get_by_test_id("pd-status")).to_have_text("Valid: printer.cfg generated.")

    with page.expect_download() as download_info:
        page.get_by_test_id("pd-download").click()
    downloaded = download_info.value
    assert downloaded.suggested_filename == "my-printer.cfg"
    definition = page.evaluate("() => window.printerDesigner.buildDefinition()")
    assert downloaded.path().read_bytes() == generated(site, definition)
    text = downloaded.path().read_text()
    assert "step_pin: PC2" in text
    assert "enable_pin: !PC3" in text
    assert "endstop_pin: ^PA5" in text
    assert refusals.unexpected() == {"violations": [], "console": []}
    context.close()
    assert not errors, errors

    failures = []
    for theme in ("light", "dark"):
        for width in WIDTHS:
            context = chromium_browser.new_context(
                viewport={"width": width, "height": HEIGHTS[width]}, color_scheme=theme
            )
            shot = context.new_page()
            shot.goto(f"{site}/printer-designer")
            shot.wait_for_function("() => window.printerDesigner !== undefined")
            shot.get_by_test_id("pd-template").select_option("creality-ender3-pro-4.2.2")
            expect(shot.get_by_test_id("pd-status")).to_have_text("Valid: printer.cfg generated.")
            try:
                assert_no_horizontal_overflow(shot, f"/printer-designer at {width} px, {theme}")
            except AssertionError as exc:
                failures.append(str(exc))
            screenshot(shot, f"printer-designer-{width}-{theme}")
            context.close()
    assert not failures, "\n\n".join(failures)
