"""Screenshots kept as test artifacts (issue #11): the farm in the light and the dark theme on a
375 px phone and a 1920 px wall screen, in its wall mode (``?wall=1``) too, and the printer page
(light and dark, both widths), with the live content of ``varied_farm``. They land in test-artifacts/screenshots/ (or
$KLIPPERIWC_SCREENSHOT_DIR), named ``<page>-<theme>-<width>.png``; the test prints where.

The pictures are checked too: as wide as the window (nothing sticks out of a full-page shot) and
the dark ones darker than the light ones, by their pixels."""

from __future__ import annotations

import pytest
from PIL import Image, ImageStat

from klipperiwc_site.tests.browser.conftest import farm_content_arrived, open_page, printer_content_arrived
from klipperiwc_site.tests.browser.layout import HEIGHTS, SCREENSHOTS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.moonraker]


def mean_brightness(path) -> float:
    """Mean brightness of a picture, 0 (black) .. 1 (white)."""
    with Image.open(path) as image:
        return ImageStat.Stat(image.convert("L")).mean[0] / 255


def test_screenshots_of_the_farm_and_the_printer_page(varied_farm):
    site = varied_farm.site
    slug = varied_farm.printing
    pages = {
        "farm": ("/", farm_content_arrived),
        "farm-wall": ("/?wall=1", farm_content_arrived),
        "printer": (f"/printers/{slug}", lambda p: printer_content_arrived(p, varied_farm, slug)),
    }
    taken = {}
    for name, (path, arrived) in pages.items():
        for theme in ("light", "dark"):
            for width in (375, 1920):
                page = open_page(site, path, width=width, height=HEIGHTS[width], color_scheme=theme)
                arrived(page)
                shot = screenshot(page, f"{name}-{theme}-{width}")
                page.context.close()
                with Image.open(shot) as image:
                    assert image.width == width, f"{shot.name} is {image.width} px wide for a {width} px window"
                    assert image.height >= HEIGHTS[width] // 2, f"{shot.name} is only {image.height} px high"
                taken[(name, theme, width)] = mean_brightness(shot)
    print(f"screenshots in {SCREENSHOTS}")
    for (name, theme, width), brightness in sorted(taken.items()):
        if theme == "dark":
            light = taken[(name, "light", width)]
            assert brightness < 0.35, f"{name}-dark-{width}.png is not dark (mean brightness {brightness:.2f})"
            assert light > 0.65, f"{name}-light-{width}.png is not light (mean brightness {light:.2f})"
