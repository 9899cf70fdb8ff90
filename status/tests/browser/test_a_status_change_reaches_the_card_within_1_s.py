"""A change on the printer reaches its card within 1 s, over /ws/status alone.

Measured, not slept: the stand-in klippy writes the time of each change of its model to its
events file, the page notes (in a MutationObserver) when the card's state changed, both on
this machine's clock. The page never asks GET /api/status while its socket is up (no polling).
"""

import time

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]

WATCH = """() => {
  window.__changes = [];
  const card = document.querySelector('[data-printer="beta"]');
  new MutationObserver(() => window.__changes.push([card.dataset.state, Date.now() / 1000]))
    .observe(card, {attributes: true, attributeFilter: ["data-state"]});
}"""


def changed_at(page, state: str) -> float:
    page.wait_for_function(f"() => window.__changes.some(([s]) => s === {state!r})", timeout=10_000)
    return next(at for seen, at in page.evaluate("() => window.__changes") if seen == state)


def klippy_changed_at(instance, state: str) -> float:
    for event in reversed(instance.events()):
        if event["change"].get("webhooks", {}).get("state") == state:
            return event["t"]
    raise AssertionError(f"the stand-in never recorded webhooks.state {state}")


def test_a_status_change_reaches_the_card_within_1_s(farm_site):
    page = farm_site.page
    polls = []
    page.on("request", lambda request: polls.append(request.url) if "/api/status" in request.url else None)
    farm_site.open_farm()
    expect(page.locator('[data-printer="beta"]')).to_have_attribute("data-state", "idle")
    page.evaluate(WATCH)
    beta = farm_site.printers["beta"]

    delays = []
    for state, klippy_state, message in (
        ("error", "error", "Lost communication with MCU 'mcu'"),
        ("idle", "ready", ""),
    ):
        beta.klippy_call("standin/set_state", state=klippy_state, message=message or "Printer is ready")
        shown = changed_at(page, state)
        delays.append(shown - klippy_changed_at(beta, klippy_state))
        page.evaluate("() => { window.__changes = []; }")
        time.sleep(0.3)

    assert all(0 <= delay < 1.0 for delay in delays), f"printer -> card took {delays} s"
    assert polls == [], f"the page polled while its socket was up: {polls}"
