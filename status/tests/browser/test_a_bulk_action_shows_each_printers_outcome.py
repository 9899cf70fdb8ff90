"""A bulk action asks each selected printer on its own: one printer refusing (its Moonraker is
gone) does not stop the others, and each outcome is listed with the server's reason. The
selection takes a shift-click range."""

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from conftest import PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_a_bulk_action_shows_each_printers_outcome(farm_site):
    # A third printer, the demo, so that a shift-click range has one in the middle.
    code = (
        "from status.models import Printer; Printer.objects.filter(slug='demo').update(name='Bravo demo', enabled=True)"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=PROJECT_ROOT,
        env=farm_site.embedded.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    farm_site.wait_status("demo", lambda s: s["state"] != "offline", what="the demo sampled")
    farm_site.start_print("alpha", "long.gcode", layers=60, lines_per_layer=30)
    farm_site.printers["beta"].kill_moonraker()
    farm_site.wait_state("beta", "offline", timeout=30)

    page = farm_site.open_farm()
    assert page.evaluate("() => window.farm.shown()") == ["alpha", "beta", "demo"]  # Alpha, Beta, Bravo demo
    page.locator('[data-printer="alpha"] input.select').click()
    page.locator('[data-printer="demo"] input.select').click(modifiers=["Shift"])
    for slug in ("alpha", "beta", "demo"):
        expect(page.locator(f'[data-printer="{slug}"] input.select')).to_be_checked()
    expect(page.locator("#bulk-count")).to_have_text("3 selected")

    page.locator('[data-bulk="pause"]').click()
    page.locator("#control-token").fill(farm_site.control_token)
    page.locator("#control-token-ok").click()

    alpha = page.locator('#bulk-results-list [data-result-for="alpha"]')
    beta = page.locator('#bulk-results-list [data-result-for="beta"]')
    demo = page.locator('#bulk-results-list [data-result-for="demo"]')
    expect(beta).to_have_attribute("data-outcome", "refused", timeout=20_000)
    expect(beta).to_have_attribute("data-status", "409")
    expect(beta).to_contain_text("refused (409)")
    reason = beta.locator(".result-text").inner_text()
    assert len(reason) > len("refused (409): "), reason  # the server's reason is named
    expect(alpha).to_have_attribute("data-outcome", "ok", timeout=20_000)
    # The demo pauses when its simulation is printing and refuses otherwise: either way, its own answer.
    expect(demo).not_to_have_attribute("data-outcome", "pending", timeout=20_000)
    assert demo.locator(".result-text").inner_text() in (
        "pausing",
        "refused (409): Printer 'demo': Printer is not printing.",
    )
    farm_site.wait_state("alpha", "paused")
    expect(page.locator('[data-printer="alpha"]')).to_have_attribute("data-state", "paused")

    # Shift-click again: the range is unselected the same way.
    page.locator('[data-printer="demo"] input.select').click()
    page.locator('[data-printer="alpha"] input.select').click(modifiers=["Shift"])
    for slug in ("alpha", "beta", "demo"):
        expect(page.locator(f'[data-printer="{slug}"] input.select')).not_to_be_checked()
