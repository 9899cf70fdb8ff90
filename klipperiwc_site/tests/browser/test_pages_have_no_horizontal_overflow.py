"""No page scrolls sideways from a 375 px phone to a 1920 px wall screen (issue #11), measured in
Chromium: the document is no wider than the window and no element reaches past it (or scrolls
sideways in its own box), with the live content in: a printing card with a long file name and a
thumbnail, an error with Klipper's long message, a long printer name with many tags, an
unreachable printer, and the controls shown (the control token entered). The farm also in its
wall mode (``?wall=1``: bigger type, no controls)."""

from __future__ import annotations

import pytest

from klipperiwc_site.tests.browser.conftest import farm_content_arrived, open_page, printer_content_arrived
from klipperiwc_site.tests.browser.layout import HEIGHTS, WIDTHS, assert_no_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.moonraker]


def test_the_farm_has_no_horizontal_overflow(varied_farm):
    failures = []
    for path, width in [("/", width) for width in WIDTHS] + [("/?wall=1", width) for width in WIDTHS]:
        page = open_page(varied_farm.site, path, width=width, height=HEIGHTS[width])
        farm_content_arrived(page)
        try:
            assert_no_horizontal_overflow(page, f"{path} at {width} px")
        except AssertionError as exc:
            failures.append(str(exc))
        page.context.close()
    assert not failures, "\n\n".join(failures)


def test_the_printer_page_has_no_horizontal_overflow(varied_farm):
    failures = []
    for slug in (varied_farm.printing, varied_farm.error, varied_farm.demo):
        for width in WIDTHS:
            page = open_page(varied_farm.site, f"/printers/{slug}", width=width, height=HEIGHTS[width])
            printer_content_arrived(page, varied_farm, slug)
            try:
                assert_no_horizontal_overflow(page, f"/printers/{slug} at {width} px")
            except AssertionError as exc:
                failures.append(str(exc))
            page.context.close()
    assert not failures, "\n\n".join(failures)


def test_the_board_designer_has_no_horizontal_overflow(server, chromium_browser):
    failures = []
    errors: list[str] = []
    for width in WIDTHS:
        context = chromium_browser.new_context(viewport={"width": width, "height": HEIGHTS[width]})
        try:
            page = context.new_page()
            page.on("pageerror", lambda error, width=width: errors.append(f"at {width} px: {error}"))
            page.goto(f"{server.url}/board-designer", wait_until="networkidle")
            page.wait_for_function("() => window.boardDesigner !== undefined")
            page.wait_for_timeout(300)
            try:
                assert_no_horizontal_overflow(page, f"/board-designer at {width} px")
            except AssertionError as exc:
                failures.append(str(exc))
        finally:
            context.close()
    assert not errors, f"JavaScript errors on /board-designer: {errors}"
    assert not failures, "\n\n".join(failures)
