"""The dark theme applies on every page (issue #11): it follows the system (prefers-color-scheme
emulated in Chromium), the theme toggle in the header switches it either way and the choice
outlives a reload; in the dark theme the page's background is dark, its text light, and no box
of the page's own keeps a light background."""

from __future__ import annotations

import pytest

from klipperiwc_site.tests.browser.conftest import farm_content_arrived, open_page, printer_content_arrived
from klipperiwc_site.tests.browser.layout import COLOURS, LIGHT_BOXES, luminance

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DARK_BELOW = 0.08  # relative luminance of a dark background (#2a2a2a is 0.023; #444 is 0.058)
LIGHT_ABOVE = 0.6  # of a light one (#ccc is 0.60; #f4f6f9 is 0.92)
LIGHT_BOX = 0.55  # a box this light in the dark theme ignores it


def colours(page) -> dict:
    measured = page.evaluate(COLOURS)
    assert measured["background"] is not None, "the page has no background colour (body and html are transparent)"
    return {**measured, "bg": luminance(measured["background"]), "fg": luminance(measured["text"])}


def assert_dark(page, where: str) -> None:
    seen = colours(page)
    assert seen["bg"] < DARK_BELOW, f"{where}: the background {seen['background']} is not dark (theme {seen['theme']})"
    assert seen["fg"] > 0.4, f"{where}: the text {seen['text']} is not light on the dark background"
    light = page.evaluate(LIGHT_BOXES, LIGHT_BOX)
    assert not light, f"{where}: boxes keep a light background in the dark theme: {light}"


def assert_light(page, where: str) -> None:
    seen = colours(page)
    assert seen["bg"] > LIGHT_ABOVE, (
        f"{where}: the background {seen['background']} is not light (theme {seen['theme']})"
    )
    assert seen["fg"] < 0.2, f"{where}: the text {seen['text']} is not dark on the light background"


def toggle_to(page, theme: str) -> None:
    """Click the header's theme toggle until the page's theme is ``theme`` (at most three clicks)."""
    toggle = page.locator("header [data-theme-toggle]")
    for _ in range(3):
        if page.evaluate("() => document.documentElement.getAttribute('data-theme')") == theme:
            return
        toggle.click()
    assert page.evaluate("() => document.documentElement.getAttribute('data-theme')") == theme, (
        f"three clicks on the theme toggle did not reach {theme!r}"
    )


def check_page(page, where: str, arrived) -> None:
    """``page`` opened with a dark system: dark; the toggle to light and back to dark; a reload keeps it."""
    arrived(page)
    assert_dark(page, f"{where} (system dark)")
    toggle_to(page, "light")
    assert_light(page, f"{where} (toggled to light on a dark system)")
    page.reload(wait_until="networkidle")
    arrived(page)
    assert_light(page, f"{where} (light, after a reload)")
    toggle_to(page, "dark")
    assert_dark(page, f"{where} (toggled to dark)")


@pytest.mark.moonraker
def test_the_farm_and_printer_page_follow_the_system_and_the_toggle(varied_farm):
    site = varied_farm.site
    page = open_page(site, "/", width=1280, height=800, color_scheme="dark")
    check_page(page, "/", farm_content_arrived)

    slug = varied_farm.printing
    page = open_page(site, f"/printers/{slug}", width=1280, height=800, color_scheme="dark")
    check_page(page, f"/printers/{slug}", lambda p: printer_content_arrived(p, varied_farm, slug))

    # A light system with nothing chosen is light; choosing dark there makes it dark.
    page = open_page(site, "/", width=1280, height=800, color_scheme="light")
    farm_content_arrived(page)
    assert_light(page, "/ (system light)")
    toggle_to(page, "dark")
    assert_dark(page, "/ (toggled to dark on a light system)")


def test_the_board_designer_follows_the_system_and_the_toggle(server, chromium_browser):
    def arrived(page):
        page.wait_for_function("() => window.boardDesigner !== undefined")

    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{server.url}/board-designer", wait_until="networkidle")
        check_page(page, "/board-designer", arrived)
    finally:
        context.close()
    assert not errors, f"JavaScript errors on /board-designer: {errors}"
