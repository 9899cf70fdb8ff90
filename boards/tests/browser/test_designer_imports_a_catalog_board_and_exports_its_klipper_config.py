"""A catalog board imported into the designer exports the same [board_pins] section as the catalog."""

import urllib.request

import pytest
from playwright.sync_api import expect

from boards.tests.browser.conftest import get_json, post_json

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def catalog_cfg(base_url: str, board_id: str) -> str:
    with urllib.request.urlopen(f"{base_url}/api/boards/{board_id}/klipper.cfg", timeout=20) as response:
        return response.read().decode()


def test_designer_imports_a_catalog_board_and_exports_its_klipper_config(designer, server):
    page = designer
    page.get_by_test_id("catalog-search").fill("skr mini")
    page.get_by_test_id("catalog-search-button").click()
    results = page.get_by_test_id("catalog-result")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("BIGTREETECH SKR Mini E3 V3.0")
    results.click()

    shipped = get_json(f"{server.url}/api/boards/btt-skr-mini-e3-v3.0/")
    expect(page.get_by_test_id("connector-count")).to_have_text(str(len(shipped["connectors"])))
    expect(page.get_by_test_id("board-id")).to_have_value("btt-skr-mini-e3-v3.0")
    expect(page.get_by_test_id("board-mcu-chip")).to_have_value("stm32g0b1")
    # The catalog has no images: every connector is listed as not placed, and none is flagged.
    expect(page.get_by_test_id("not-placed")).to_have_count(len(shipped["connectors"]))
    expect(page.get_by_test_id("connector-problems")).to_have_count(0)
    expect(page.get_by_test_id("import-status")).to_contain_text("not placed")

    page.get_by_test_id("export-klipper").click()
    textarea = page.get_by_test_id("klipper-cfg")
    expect(textarea).to_be_visible()
    expect(textarea).to_have_js_property("readOnly", True)
    cfg = textarea.input_value()
    assert "[board_pins btt-skr-mini-e3-v3.0]" in cfg
    assert cfg == catalog_cfg(server.url, "btt-skr-mini-e3-v3.0")

    # The definition the designer would export is the catalog's, plus the designer as a source.
    definition = page.evaluate("() => window.boardDesigner.buildDefinition()")
    assert post_json(f"{server.url}/api/boards/validate", definition) == (200, {"valid": True, "errors": []})
    assert [s for s in definition["sources"] if s["id"] != "designer"] == shipped["sources"]
    assert definition["connectors"] == shipped["connectors"]
    assert definition["drivers"] == shipped["drivers"]
    assert definition["shared_signals"] == shipped["shared_signals"]

    # Every other catalog board round-trips too, without a false alarm from the in-browser checks.
    page.get_by_test_id("catalog-search").fill("")
    page.get_by_test_id("catalog-search-button").click()
    listed = get_json(f"{server.url}/api/boards/?page_size=100")["results"]
    expect(results).to_have_count(len(listed))
    for board in listed:
        page.locator(f'[data-testid="catalog-result"][data-board-id="{board["id"]}"]').click()
        expect(page.get_by_test_id("board-id")).to_have_value(board["id"])
        expect(page.get_by_test_id("connector-problems")).to_have_count(0)
        page.get_by_test_id("export-klipper").click()
        expect(textarea).to_have_value(catalog_cfg(server.url, board["id"]))
        exported = page.evaluate("() => window.boardDesigner.buildDefinition().connectors")
        assert exported == get_json(f"{server.url}/api/boards/{board['id']}/")["connectors"]
