"""The page lists the printer's G-code files and starts one of them."""

import pytest
from playwright.sync_api import expect

from status.tests.browser.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_a_file_from_the_printers_list_starts_printing(farm_site):
    site = farm_site
    klippy = site.printers["beta"]
    for name in ("first.gcode", "second.gcode"):
        klippy.put_print(name, layers=40, lines_per_layer=20)
        klippy.wait_metadata(name)
    page = site.page
    page.goto(f"{site.url}/printers/beta")
    page.get_by_test_id("token-input").fill(site.control_token)
    page.get_by_test_id("token-submit").click()
    files = page.get_by_test_id("files")
    expect(files.locator("li")).to_have_count(2)
    expect(page.get_by_test_id("files-message")).to_have_text("2 files")
    item = files.locator('li[data-file="second.gcode"]')
    expect(item).to_contain_text("KB")
    item.get_by_test_id("print-file").click()
    expect(item.get_by_test_id("print-message")).to_have_text("Started.")
    stats = wait_for(lambda: (s := klippy.print_stats())["state"] == "printing" and s, timeout=10, what="printing")
    assert stats["filename"] == "second.gcode"
    expect(page.get_by_test_id("job-name")).to_have_text("second.gcode (running)", timeout=10_000)
