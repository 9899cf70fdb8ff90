"""A G-code file uploaded from the page lands on the printer and, with "print it", starts printing."""

import pytest
from playwright.sync_api import expect

from scripts.moonraker_instance import slicer_gcode
from status.tests.browser.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_upload_and_print_from_the_page(farm_site, tmp_path):
    site = farm_site
    klippy = site.printers["alpha"]
    stored = tmp_path / "uploaded part.gcode"
    stored.write_text(slicer_gcode(layers=40, lines_per_layer=20, estimated_seconds=60), encoding="utf-8")
    kept = tmp_path / "kept.gcode"
    kept.write_text(slicer_gcode(layers=2, lines_per_layer=2, estimated_seconds=5), encoding="utf-8")
    page = site.page
    page.goto(f"{site.url}/printers/alpha")
    page.get_by_test_id("token-input").fill(site.control_token)
    page.get_by_test_id("token-submit").click()
    form = page.get_by_test_id("upload-form")

    # Without "print it": stored only.
    form.get_by_test_id("upload-file").set_input_files(str(kept))
    form.get_by_test_id("upload-print").uncheck()
    form.get_by_test_id("upload-submit").click()
    expect(form.get_by_test_id("upload-message")).to_have_text("Uploaded kept.gcode.")
    assert (klippy.gcodes_dir / "kept.gcode").read_text(encoding="utf-8") == kept.read_text(encoding="utf-8")
    assert klippy.print_stats()["state"] == "standby"
    expect(page.get_by_test_id("files").locator('li[data-file="kept.gcode"]')).to_be_visible()

    form.get_by_test_id("upload-file").set_input_files(str(stored))
    form.get_by_test_id("upload-print").check()
    form.get_by_test_id("upload-submit").click()
    expect(form.get_by_test_id("upload-message")).to_have_text("Uploaded uploaded part.gcode and started printing it.")
    assert (klippy.gcodes_dir / "uploaded part.gcode").read_bytes() == stored.read_bytes()
    stats = wait_for(lambda: (s := klippy.print_stats())["state"] == "printing" and s, timeout=10, what="printing")
    assert stats["filename"] == "uploaded part.gcode"
    expect(page.get_by_test_id("state")).to_have_text("printing", timeout=10_000)

    # A file that is not G-code is refused with the server's reason, next to the form.
    other = tmp_path / "notes.txt"
    other.write_text("not g-code", encoding="utf-8")
    form.get_by_test_id("upload-file").set_input_files(str(other))
    form.get_by_test_id("upload-submit").click()
    expect(form.get_by_test_id("upload-message")).to_contain_text(".gcode")
    expect(form.get_by_test_id("upload-message")).to_have_class("pp-out pp-error")
