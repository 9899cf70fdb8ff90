"""The console shows the printer's latest G-code responses and sends a line of G-code; a failing one
shows the printer's error."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_the_console_sends_gcode_and_shows_the_responses(farm_site):
    site = farm_site
    klippy = site.printers["alpha"]
    page = site.page
    page.goto(f"{site.url}/printers/alpha")
    page.get_by_test_id("token-input").fill(site.control_token)
    page.get_by_test_id("token-submit").click()
    lines = page.get_by_test_id("console-lines")

    page.get_by_test_id("gcode-input").fill("M118 hello from the printer page")
    page.get_by_test_id("gcode-send").click()
    expect(page.get_by_test_id("gcode-message")).to_have_text("M118 hello from the printer page: ok")
    expect(lines).to_contain_text("hello from the printer page")
    expect(page.get_by_test_id("gcode-input")).to_have_value("")

    # What the printer says on its own shows up too (the console is read every few seconds).
    klippy.result("POST", "/printer/gcode/script", script="RESPOND MSG=said-elsewhere")
    expect(lines).to_contain_text("echo: said-elsewhere", timeout=10_000)

    page.get_by_test_id("gcode-input").fill("NOT_A_COMMAND")
    page.get_by_test_id("gcode-send").press("Enter")
    message = page.get_by_test_id("gcode-message")
    expect(message).to_contain_text("Unknown command")
    expect(message).to_have_class("pp-out pp-error")
    # The line stays for correcting it; arrow up brings back what was sent.
    expect(page.get_by_test_id("gcode-input")).to_have_value("NOT_A_COMMAND")
    page.get_by_test_id("gcode-input").fill("")
    page.get_by_test_id("gcode-input").press("ArrowUp")
    expect(page.get_by_test_id("gcode-input")).to_have_value("NOT_A_COMMAND")
    # Server text stays text.
    assert lines.locator("script, img, b").count() == 0
