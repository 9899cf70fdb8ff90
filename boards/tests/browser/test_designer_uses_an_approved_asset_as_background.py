"""An uploaded and approved board asset appears in the designer's list and becomes the background."""

import pytest
from playwright.sync_api import expect

from boards.tests.browser.conftest import approve_asset, board_png, drag, to_screen, upload_asset

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_designer_uses_an_approved_asset_as_background(server, chromium_page, tmp_path):
    page = chromium_page
    content = board_png(tmp_path / "asset.png", 640, 400)
    asset = upload_asset(server.url, content, title="Test controller, top", visibility="public")
    pending = upload_asset(
        server.url, board_png(tmp_path / "pending.png", 320, 200), title="Not approved", visibility="public"
    )
    assert approve_asset(server.url, asset["id"])["status"] == "approved"

    page.goto(f"{server.url}/board-designer")
    options = page.get_by_test_id("asset-option")
    expect(options).to_have_count(1)  # only approved public assets are offered
    expect(page.locator(f'[data-asset-id="{pending["id"]}"]')).to_have_count(0)
    option = page.locator(f'[data-testid="asset-option"][data-asset-id="{asset["id"]}"]')
    expect(option).to_contain_text("Test controller, top")
    expect(option).to_contain_text("640\N{MULTIPLICATION SIGN}400")
    option.click()

    expect(option).to_have_attribute("aria-pressed", "true")
    preview = page.get_by_test_id("background-preview")
    expect(preview).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    assert preview.evaluate("(img) => [img.naturalWidth, img.naturalHeight]") == [640, 400]
    canvas_image = page.get_by_test_id("canvas-image")
    assert canvas_image.get_attribute("href") == f"{server.url}/api/board-assets/{asset['id']}/file"
    box = canvas_image.bounding_box()
    assert box["width"] > 100
    assert box["width"] / box["height"] == pytest.approx(640 / 400, rel=0.01)
    expect(page.get_by_test_id("background-status")).to_contain_text("640\N{MULTIPLICATION SIGN}400")

    # A shape drawn on it refers to the asset in the definition.
    page.get_by_test_id("tool-rect").click()
    drag(page, to_screen(page, 64, 40, (640, 400)), to_screen(page, 320, 200, (640, 400)))
    definition = page.evaluate("() => window.boardDesigner.buildDefinition()")
    assert definition["images"] == [
        {"id": "top", "file": f"board-asset:{asset['id']}", "width": 640, "height": 400, "sha256": asset["sha256"]}
    ]
    geometry = definition["connectors"][0]["geometry"]
    assert (geometry["x"], geometry["y"]) == (pytest.approx(0.1, abs=0.002), pytest.approx(0.1, abs=0.003))

    # After a reload the asset is the background again.
    page.reload()
    expect(page.get_by_test_id("background-preview")).to_be_visible()
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-testid=background-preview]');"
        " return img.complete && img.naturalWidth === 640; }"
    )
    expect(page.get_by_test_id("shape")).to_have_count(1)
