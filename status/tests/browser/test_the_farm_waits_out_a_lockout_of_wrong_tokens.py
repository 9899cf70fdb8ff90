"""Wrong status tokens lock the address out (close 4423 with retry_after): the farm says so, waits the
lockout out instead of retrying into it, and goes live by itself with the right token given meanwhile."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]

WS_TOKEN = "browser-tests-ws-token-0123456789abcdef"
LOCKOUT_SECONDS = 8


def test_the_farm_waits_out_a_lockout_and_then_goes_live(farm_site_with):
    site = farm_site_with(STATUS_WS_TOKEN=WS_TOKEN, AUTH_FAILURE_LIMIT="2", AUTH_LOCKOUT_SECONDS=str(LOCKOUT_SECONDS))
    page = site.page
    page.goto(f"{site.url}/")
    live = page.locator("#live")
    expect(live).to_have_attribute("data-state", "token-needed")

    for _ in range(3):  # the limit-th wrong token, or the one after it, is answered with the lockout
        if live.get_attribute("data-state") == "locked-out":
            break
        page.locator("#ws-token").fill("not-the-token")
        page.locator("#ws-token-form button[type=submit]").click()
        expect(live).to_have_attribute("data-state", re.compile("^(token-needed|locked-out)$"))
        page.wait_for_function("() => !document.getElementById('live').textContent.includes('connecting')")
    expect(live).to_have_attribute("data-state", "locked-out")
    expect(live).to_have_text(re.compile(r"^too many wrong tokens, retrying in \d+ s$"))
    waits = int(re.search(r"\d+", live.text_content() or "").group())
    assert 1 <= waits <= LOCKOUT_SECONDS
    # The cards still show each printer's state (the status API is public).
    expect(page.locator('[data-printer="alpha"]')).to_have_attribute("data-state", "idle")

    # The right token, given during the lockout, is kept; the socket does not hammer the server with it
    # meanwhile (each try would be refused), and connects once the lockout has passed.
    page.evaluate(f"() => sessionStorage.setItem('klipperiwc.wsToken', {WS_TOKEN!r})")
    page.wait_for_timeout(1000)
    expect(live).to_have_attribute("data-state", "locked-out")
    expect(live).to_have_attribute("data-state", "live", timeout=(LOCKOUT_SECONDS + 10) * 1000)

    site.printers["beta"].klippy_call("standin/set_state", state="error", message="Thermal runaway")
    expect(page.locator('[data-printer="beta"]')).to_have_attribute("data-state", "error")
