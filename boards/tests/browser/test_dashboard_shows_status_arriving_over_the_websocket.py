"""The dashboard at / renders printer status pushed over /ws/status.

The page's own HTTP polls of /api/status are blocked, so whatever it shows
after load can only have come through the WebSocket: the test asks
/api/status itself, which broadcasts the new status to every open dashboard.
"""

import json
import time
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Every render of the temperatures, as the page showed them: [{component: text}, ...]
RECORD_RENDERS = """
window.__renders = [];
document.addEventListener("DOMContentLoaded", () => {
  const temps = document.querySelector('[data-printer="demo"] [data-field="temperatures"]');
  new MutationObserver(() => {
    const shown = {};
    temps.querySelectorAll("[data-component]").forEach((box) => (shown[box.dataset.component] = box.textContent));
    window.__renders.push(shown);
  }).observe(temps, { childList: true });
});
"""


def fetch_status(base_url: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/api/status?printer=demo", timeout=10) as response:
        return json.load(response)


def shown_matches(shown: dict, payload: dict) -> bool:
    """The page's text for each reading is '<component><actual, 1 decimal>[ / <target>] °C'."""
    if set(shown) != {reading["component"] for reading in payload["temperatures"]}:
        return False
    for reading in payload["temperatures"]:
        text = shown[reading["component"]].removeprefix(reading["component"])
        actual = float(text.split(" ")[0].replace("°C", ""))
        if abs(actual - reading["actual"]) > 0.051:
            return False
        if reading["target"] is not None and f"/ {reading['target']:.0f} °C" not in text:
            return False
    return True


def wait_for_render(page, payload: dict, after: int) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        renders = page.evaluate("() => window.__renders")
        for index in range(after, len(renders)):
            if shown_matches(renders[index], payload):
                return index + 1
        page.wait_for_timeout(50)
    raise AssertionError(f"the page never showed {payload['temperatures']}; it showed {renders[after:]}")


def test_dashboard_shows_status_arriving_over_the_websocket(server, chromium_page):
    page = chromium_page
    blocked = []
    page.route("**/api/status?**", lambda route: (blocked.append(route.request.url), route.abort()))
    page.add_init_script(RECORD_RENDERS)
    page.goto(f"{server.url}/")

    card = page.locator('[data-printer="demo"]')
    expect(card.locator("h2")).to_have_text("Demo printer")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    expect(page.locator("#connection")).to_have_text("live")
    page.wait_for_function("() => window.__renders !== undefined")
    for _ in range(100):
        if blocked:
            break
        page.wait_for_timeout(50)
    assert blocked, "the page did not try to poll /api/status (the test would prove nothing)"
    assert page.evaluate("() => window.__renders.length") == 0
    expect(card.locator("[data-field=temperatures] [data-component]")).to_have_count(0)

    first = fetch_status(server.url)
    seen = wait_for_render(page, first, 0)
    expect(card.locator("[data-field=state]")).to_have_text(first["state"])
    expect(card.locator("[data-field=message]")).to_have_text(first["message"])
    expect(card.locator("[data-field=temperatures] [data-component]")).to_have_count(len(first["temperatures"]))

    time.sleep(1.05)  # the demo's noise changes every second
    second = fetch_status(server.url)
    assert second["updated_at"] != first["updated_at"]
    wait_for_render(page, second, seen)
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
