"""Bulk upload-and-print: one G-code file chosen once, uploaded to every selected printer and
started there; the control token is asked once (then kept in sessionStorage), and each
printer's outcome is listed."""

import pytest
from playwright.sync_api import expect

from scripts.moonraker_instance import slicer_gcode

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_bulk_upload_and_print_starts_both_printers(farm_site, tmp_path):
    gcode = tmp_path / "bracket.gcode"
    gcode.write_text(slicer_gcode(layers=40, lines_per_layer=30, estimated_seconds=60))
    page = farm_site.open_farm()
    expect(page.locator("#bulk")).to_be_hidden()

    page.locator("#select-shown").click()
    expect(page.locator("#bulk-count")).to_have_text("2 selected")
    expect(page.locator('[data-printer="alpha"] input.select')).to_be_checked()
    expect(page.locator('[data-printer="beta"] input.select')).to_be_checked()
    upload = page.locator('[data-bulk="upload-print"]')
    expect(upload).to_be_disabled()  # no file yet
    page.locator("#bulk-file").set_input_files(str(gcode))
    expect(page.locator("#bulk-file-name")).to_have_text("bracket.gcode")
    upload.click()

    # The control token, asked once.
    dialog = page.locator("#control-token-dialog")
    expect(dialog).to_be_visible()
    page.locator("#control-token").fill(farm_site.control_token)
    page.locator("#control-token-ok").click()
    expect(dialog).to_be_hidden()

    results = page.locator("#bulk-results-list .result")
    expect(results).to_have_count(2)
    for slug in ("alpha", "beta"):
        row = page.locator(f'#bulk-results-list [data-result-for="{slug}"]')
        expect(row).to_have_attribute("data-outcome", "ok", timeout=20_000)
        expect(row).to_contain_text("uploaded bracket.gcode, printing")
    for slug in ("alpha", "beta"):
        status = farm_site.wait_state(slug, "printing")
        assert status["active_job"]["name"] == "bracket.gcode"
        card = page.locator(f'[data-printer="{slug}"]')
        expect(card).to_have_attribute("data-state", "printing")
        expect(card.locator("[data-field=file]")).to_have_text("bracket.gcode")
    assert page.evaluate("() => sessionStorage.getItem('klipperiwc.controlToken')") == farm_site.control_token

    # A second action does not ask again.
    page.locator('[data-bulk="pause"]').click()
    for slug in ("alpha", "beta"):
        expect(page.locator(f'#bulk-results-list [data-result-for="{slug}"]')).to_have_attribute(
            "data-outcome", "ok", timeout=20_000
        )
        farm_site.wait_state(slug, "paused")
    expect(dialog).to_be_hidden()
