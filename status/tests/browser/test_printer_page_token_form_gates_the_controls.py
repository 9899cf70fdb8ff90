"""The controls, files and console appear only after the control token was entered, kept in this tab only."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_the_token_form_gates_the_controls(farm_site):
    site = farm_site
    page = site.page
    page.goto(f"{site.url}/printers/alpha")
    expect(page.get_by_test_id("token-form")).to_be_visible()
    expect(page.get_by_test_id("controls")).to_be_hidden()
    expect(page.get_by_test_id("action-pause")).to_be_hidden()
    expect(page.get_by_test_id("gcode-form")).to_be_hidden()
    expect(page.get_by_test_id("console-locked")).to_be_visible()
    expect(page.get_by_test_id("target-input")).to_have_count(2)  # extruder and bed, but hidden
    expect(page.get_by_test_id("target-input").first).to_be_hidden()

    # A wrong token: the server's refusal is shown and nothing unlocks or is kept.
    page.get_by_test_id("token-input").fill("not-the-control-token-at-all")
    page.get_by_test_id("token-submit").click()
    expect(page.get_by_test_id("token-message")).to_contain_text("The token was refused:")
    refused = page.get_by_test_id("token-message").text_content()
    assert "X-Printer-Control-Key" in refused or "token" in refused.split(":", 1)[1].lower()
    expect(page.get_by_test_id("controls")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('klipperiwc.controlToken')") is None

    page.get_by_test_id("token-input").fill(site.control_token)
    page.get_by_test_id("token-submit").click()
    expect(page.get_by_test_id("controls")).to_be_visible()
    expect(page.get_by_test_id("token-form")).to_be_hidden()
    expect(page.get_by_test_id("gcode-form")).to_be_visible()
    expect(page.get_by_test_id("target-input").first).to_be_visible()
    expect(page.get_by_test_id("files").locator("li")).to_have_count(0)  # the printer has no files yet
    expect(page.get_by_test_id("files-message")).to_have_text("No files on the printer.")
    assert page.evaluate("sessionStorage.getItem('klipperiwc.controlToken')") == site.control_token
    assert (
        page.evaluate("Object.keys(localStorage).filter((k) => localStorage.getItem(k).includes('control-token'))")
        == []
    )

    # Entered once: a reload in the same tab keeps the controls open.
    page.reload()
    expect(page.get_by_test_id("controls")).to_be_visible()

    # Another tab (a new browser context) has to enter it again.
    other = site.new_page()
    other.goto(f"{site.url}/printers/alpha")
    expect(other.get_by_test_id("token-form")).to_be_visible()
    expect(other.get_by_test_id("controls")).to_be_hidden()

    page.get_by_test_id("token-forget").click()
    expect(page.get_by_test_id("controls")).to_be_hidden()
    expect(page.get_by_test_id("token-form")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('klipperiwc.controlToken')") is None
