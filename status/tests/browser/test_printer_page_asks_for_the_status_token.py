"""With STATUS_WS_TOKEN set, the printer page asks for the status token instead of reconnecting forever,
and goes live once it is given."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]

TOKEN = "status-socket-token-for-the-printer-page"


def test_the_page_asks_for_the_status_token(farm_site_with):
    site = farm_site_with(STATUS_WS_TOKEN=TOKEN)
    page = site.page
    page.goto(f"{site.url}/printers/alpha")
    form = page.get_by_test_id("ws-token-form")
    expect(form).to_be_visible()
    expect(page.get_by_test_id("socket-state")).to_have_text("needs the status token")
    # The page still shows the printer (read over HTTP meanwhile).
    expect(page.get_by_test_id("state")).to_have_text("idle")

    form.locator("input[name=token]").fill("a-wrong-token-for-the-socket")
    form.get_by_role("button", name="Connect").click()
    expect(form).to_be_visible()
    expect(page.get_by_test_id("socket-state")).to_have_text("needs the status token")

    form.locator("input[name=token]").fill(TOKEN)
    form.get_by_role("button", name="Connect").click()
    expect(page.get_by_test_id("socket-state")).to_have_text("live")
    expect(form).to_be_hidden()
    # Live statuses arrive: the chart's live view fills.
    site.printers["alpha"].result("POST", "/printer/gcode/script", script="M104 S120")
    expect(page.locator("tr[data-component=extruder] [data-testid=heater-value]")).to_have_text(
        re.compile(r"/ 120 °C$"), timeout=5000
    )
