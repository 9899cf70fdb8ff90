"""Screenshots of the board designer at a phone's and a wall screen's width, light and dark,
with a board image, two connectors and a pin error on the page; each layout is measured for
horizontal overflow. The PNGs land in test-artifacts/screenshots/ (or $KLIPPERIWC_SCREENSHOT_DIR)."""

import pytest
from playwright.sync_api import expect

from boards.tests.browser.conftest import board_png, drag, load_local_image, press_on_canvas, to_screen
from klipperiwc_site.tests.browser.layout import COLOURS, assert_no_horizontal_overflow, luminance, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZE = (800, 500)
VIEWPORTS = {375: 812, 1920: 1080}


def fill_in(page, image):
    load_local_image(page, image, SIZE)
    press_on_canvas(page, "r")
    drag(page, to_screen(page, 100, 80, SIZE), to_screen(page, 300, 180, SIZE))
    page.get_by_test_id("connector-label").fill("EXP1")
    page.get_by_test_id("add-pin").click()
    page.get_by_test_id("pin-value").first.fill("PZ9")
    page.get_by_test_id("add-pin").click()
    page.get_by_test_id("pin-value").nth(1).fill("PA1")
    press_on_canvas(page, "c")
    drag(page, to_screen(page, 600, 300, SIZE), to_screen(page, 640, 300, SIZE))
    page.get_by_test_id("connector-label").fill("FAN0")
    page.get_by_test_id("connector-item").filter(has_text="EXP1").click()
    expect(page.get_by_test_id("pin-error").first).to_contain_text("PZ9 is not a stm32 pin name")


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_screenshots_of_the_board_designer(server, chromium_browser, tmp_path, width, theme):
    context = chromium_browser.new_context(viewport={"width": width, "height": VIEWPORTS[width]}, color_scheme=theme)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{server.url}/board-designer", wait_until="networkidle")
        page.wait_for_function("() => window.boardDesigner !== undefined")
        board_png(tmp_path / "board.png", *SIZE)
        fill_in(page, tmp_path / "board.png")
        page.wait_for_timeout(200)
        assert_no_horizontal_overflow(page, f"/board-designer at {width} px, {theme}")
        background = luminance(page.evaluate(COLOURS)["background"])
        assert background < 0.08 if theme == "dark" else background > 0.6, (theme, background)
        stage = page.get_by_test_id("stage").bounding_box()
        assert stage["width"] > 0.9 * width if width < 760 else stage["width"] > width / 2, stage  # the canvas first
        screenshot(page, f"board-designer-{width}-{theme}")
    finally:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"
