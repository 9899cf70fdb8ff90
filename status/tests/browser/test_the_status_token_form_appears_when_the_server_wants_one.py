"""With STATUS_WS_TOKEN set, the farm asks for the token instead of "reconnecting" forever: a
wrong token asks again with the server's reason, the right one makes the page live (and is kept
for the tab in sessionStorage)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]

WS_TOKEN = "browser-tests-ws-token-0123456789abcdef"


def test_the_status_token_form_appears_when_the_server_wants_one(farm_site_with):
    site = farm_site_with(STATUS_WS_TOKEN=WS_TOKEN)
    page = site.page
    page.goto(f"{site.url}/")
    live = page.locator("#live")
    form = page.locator("#ws-token-form")
    expect(live).to_have_attribute("data-state", "token-needed")
    expect(live).to_have_text("token needed")
    expect(form).to_be_visible()
    page.wait_for_timeout(3000)  # and it stays so: no reconnecting loop
    expect(live).to_have_attribute("data-state", "token-needed")
    # The cards still show each printer's state (the status API is public).
    expect(page.locator('[data-printer="alpha"]')).to_have_attribute("data-state", "idle")

    page.locator("#ws-token").fill("not-the-token")
    page.locator("#ws-token-form button[type=submit]").click()
    expect(live).to_have_attribute("data-state", "token-needed")
    expect(page.locator("#ws-token-message")).to_contain_text("refused")

    page.locator("#ws-token").fill(WS_TOKEN)
    page.locator("#ws-token-form button[type=submit]").click()
    expect(live).to_have_attribute("data-state", "live")
    expect(form).to_be_hidden()
    assert page.evaluate("() => sessionStorage.getItem('klipperiwc.wsToken')") == WS_TOKEN

    # Live now: a change on the printer reaches its card.
    site.printers["beta"].klippy_call("standin/set_state", state="error", message="Thermal runaway")
    expect(page.locator('[data-printer="beta"]')).to_have_attribute("data-state", "error")
