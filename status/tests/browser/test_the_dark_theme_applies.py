"""The theme follows the system (dark here) until the toggle picks light or dark; the choice is
kept (localStorage) and applied before the page's scripts run, on every page with the header."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]

LIGHTNESS = """(selector) => {
  const [r, g, b] = getComputedStyle(document.querySelector(selector)).backgroundColor.match(/\\d+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""


def test_the_dark_theme_applies(farm_site):
    page = farm_site.new_page(color_scheme="dark")
    farm_site.open_farm(page=page)
    toggle = page.locator("[data-theme-toggle]")
    expect(toggle).to_have_text("Theme: system")
    assert page.evaluate(LIGHTNESS, "body") < 0.2
    assert page.evaluate(LIGHTNESS, '[data-printer="alpha"]') < 0.25

    toggle.click()
    expect(toggle).to_have_text("Theme: light")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "light"
    assert page.evaluate(LIGHTNESS, "body") > 0.8
    assert page.evaluate(LIGHTNESS, '[data-printer="alpha"]') > 0.9

    toggle.click()
    expect(toggle).to_have_text("Theme: dark")
    assert page.evaluate(LIGHTNESS, "body") < 0.2

    # Kept, and there before any module runs; the other pages share it.
    light_system = farm_site.new_page(color_scheme="light")
    light_system.context.add_init_script("localStorage.setItem('klipperiwc.theme', 'dark')")
    light_system.goto(f"{farm_site.url}/board-designer", wait_until="commit")
    light_system.wait_for_selector("body")
    assert light_system.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert light_system.evaluate(LIGHTNESS, "body") < 0.2
    page.reload()
    expect(page.locator("[data-theme-toggle]")).to_have_text("Theme: dark")
    toggle = page.locator("[data-theme-toggle]")
    toggle.click()  # back to following the system
    expect(toggle).to_have_text("Theme: system")
    assert page.evaluate("() => localStorage.getItem('klipperiwc.theme')") is None
    assert page.evaluate(LIGHTNESS, "body") < 0.2
