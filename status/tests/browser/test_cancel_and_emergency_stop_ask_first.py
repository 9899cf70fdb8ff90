"""Cancel and emergency stop on the farm ask first: "no" sends nothing and the print goes on;
"yes" does it (cancel ends the print, emergency stop shuts klippy down)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_cancel_and_emergency_stop_ask_first(farm_site):
    farm_site.start_print("alpha", "long.gcode", layers=60, lines_per_layer=30)
    page = farm_site.page
    actions = []
    page.on("request", lambda request: actions.append(request.url) if "/actions/" in request.url else None)
    farm_site.open_farm()
    page.evaluate(f"() => sessionStorage.setItem('klipperiwc.controlToken', {farm_site.control_token!r})")
    expect(page.locator('[data-printer="alpha"]')).to_have_attribute("data-state", "printing")
    page.locator('[data-printer="alpha"] input.select').check()
    dialog = page.locator("#confirm-dialog")

    page.locator('[data-bulk="cancel"]').click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Cancel the prints?")
    expect(page.locator("#confirm-list")).to_have_text("Alpha")
    page.locator("#confirm-no").click()
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(500)
    assert actions == []
    assert farm_site.status("alpha")["state"] == "printing"
    expect(page.locator("#bulk-results")).to_be_hidden()

    page.locator('[data-bulk="cancel"]').click()
    expect(dialog).to_be_visible()
    page.locator("#confirm-yes").click()
    row = page.locator('#bulk-results-list [data-result-for="alpha"]')
    expect(row).to_have_attribute("data-outcome", "ok", timeout=20_000)
    assert [url.rsplit("/", 3)[-3:] for url in actions] == [["alpha", "actions", "cancel"]]
    farm_site.wait_status("alpha", lambda s: s["state"] != "printing", what="alpha no longer printing")
    expect(page.locator('[data-printer="alpha"]')).not_to_have_attribute("data-state", "printing")

    # Emergency stop on the other printer: asked too, and only then sent.
    page.locator('[data-printer="alpha"] input.select').uncheck()
    page.locator('[data-printer="beta"] input.select').check()
    page.locator('[data-bulk="emergency-stop"]').click()
    expect(dialog).to_contain_text("Emergency stop?")
    expect(page.locator("#confirm-list")).to_have_text("Beta")
    page.keyboard.press("Escape")  # closing the dialog is a "no" too
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(500)
    assert len(actions) == 1
    page.locator('[data-bulk="emergency-stop"]').click()
    page.locator("#confirm-yes").click()
    expect(page.locator('#bulk-results-list [data-result-for="beta"]')).to_have_attribute("data-outcome", "ok")
    farm_site.wait_state("beta", "error")
    expect(page.locator('[data-printer="beta"]')).to_have_attribute("data-state", "error")
