"""Draw on a local board image, label, add pins (with live MCU-pin validation), undo/redo, reload, export."""

import hashlib
import json

import pytest
from playwright.sync_api import expect

from boards.tests.browser.conftest import board_png, drag, load_local_image, post_json, press_on_canvas, to_screen

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZE = (800, 500)
RECT = ((100, 80), (300, 180))  # image pixels: top-left, bottom-right
CIRCLE = ((600, 300), (640, 300))  # image pixels: centre, a point on the edge (r = 40)


def shape_labels(page):
    return page.get_by_test_id("canvas").get_by_test_id("shape-label").all_text_contents()


def test_designer_draws_labels_and_exports_a_valid_definition(designer, server, tmp_path):
    page = designer
    png = board_png(tmp_path / "board.png", *SIZE)

    page.get_by_test_id("board-name").fill("Test Board")
    page.get_by_test_id("board-manufacturer").fill("Test Works")
    page.get_by_test_id("board-revision").fill("V1.0")
    expect(page.get_by_test_id("board-id")).to_have_value("test-board-v1.0")
    page.get_by_test_id("board-mcu-chip").fill("stm32g0b1")
    load_local_image(page, tmp_path / "board.png", SIZE)

    # A rectangle with the R shortcut, labelled; a circle with the C shortcut, labelled.
    press_on_canvas(page, "r")
    rect_screen = [to_screen(page, *point, SIZE) for point in RECT]
    drag(page, *rect_screen)
    expect(page.get_by_test_id("shape")).to_have_count(1)
    page.get_by_test_id("connector-label").fill("MOTOR X")
    press_on_canvas(page, "c")
    circle_screen = [to_screen(page, *point, SIZE) for point in CIRCLE]
    drag(page, *circle_screen)
    expect(page.get_by_test_id("shape")).to_have_count(2)
    page.get_by_test_id("connector-label").fill("FAN0")
    assert shape_labels(page) == ["MOTOR X", "FAN0"]
    expect(page.get_by_test_id("connector-item-label")).to_have_text(["MOTOR X", "FAN0"])
    expect(page.get_by_test_id("connector-item")).to_have_text(["MOTOR X MOTOR_X other", "FAN0 FAN0 other"])

    # Undo: the label, then the circle; redo both, with the toolbar and with the keyboard.
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("shape-label")).to_have_text(["MOTOR X", "Connector 2"])
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("shape")).to_have_count(1)
    assert shape_labels(page) == ["MOTOR X"]
    page.keyboard.press("Control+Shift+z")
    expect(page.get_by_test_id("shape")).to_have_count(2)
    expect(page.get_by_test_id("shape-label")).to_have_text(["MOTOR X", "Connector 2"])
    page.keyboard.press("Control+y")
    expect(page.get_by_test_id("shape-label")).to_have_text(["MOTOR X", "FAN0"])
    expect(page.get_by_test_id("redo")).to_be_disabled()

    # Pins of MOTOR X: a bad MCU pin shows its error inline, the fix clears it.
    page.get_by_test_id("connector-item").filter(has_text="MOTOR X").click()
    page.get_by_test_id("add-pin").click()
    value = page.get_by_test_id("pin-value").first
    value.fill("PZ9")
    error = page.get_by_test_id("pin-row").first.locator('[data-error-for$=":value"]')
    expect(error).to_be_visible()
    expect(error).to_contain_text("PZ9 is not a stm32 pin name")
    expect(value).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".shape.has-error")).to_have_count(1)
    value.fill("PA1")
    expect(error).to_be_hidden()
    expect(value).to_have_attribute("aria-invalid", "false")
    expect(page.locator(".shape.has-error")).to_have_count(0)
    page.get_by_test_id("add-pin").click()
    page.get_by_test_id("pin-function").nth(1).select_option("gnd")
    expect(page.get_by_test_id("pin-value").nth(1)).to_have_value("GND")

    # FAN0: kind fan, one PWM pin.
    page.get_by_test_id("connector-item").filter(has_text="FAN0").click()
    page.get_by_test_id("connector-kind").select_option("fan")
    page.get_by_test_id("add-pin").click()
    expect(page.get_by_test_id("pin-function").first).to_have_value("fan_pwm")
    page.get_by_test_id("pin-value").first.fill("PC6")
    expect(page.get_by_test_id("pin-alias").first).to_have_text("FAN0_1")

    # A reload restores the work and the image from localStorage.
    page.reload()
    page.wait_for_function("() => window.boardDesigner !== undefined")
    expect(page.get_by_test_id("shape-label")).to_have_text(["MOTOR X", "FAN0"])
    expect(page.get_by_test_id("board-name")).to_have_value("Test Board")
    assert page.get_by_test_id("canvas-image").get_attribute("href").startswith("data:image/png;base64,")
    page.get_by_test_id("connector-item").filter(has_text="MOTOR X").click()
    expect(page.get_by_test_id("pin-value").nth(0)).to_have_value("PA1")
    expect(page.get_by_test_id("pin-value").nth(1)).to_have_value("GND")

    # Export: checked by the server first, then offered for download.
    page.get_by_test_id("export-definition").click()
    expect(page.get_by_test_id("validation-status")).to_contain_text("Valid")
    with page.expect_download() as download_info:
        page.get_by_test_id("download-definition").click()
    download = download_info.value
    assert download.suggested_filename == "test-board-v1.0.json"
    definition = json.loads(download.path().read_text(encoding="utf-8"))

    status, verdict = post_json(f"{server.url}/api/boards/validate", definition)
    assert status == 200
    assert verdict == {"valid": True, "errors": []}

    assert definition["schema_version"] == 1
    assert definition["images"] == [
        {"id": "top", "file": "board.png", "width": 800, "height": 500, "sha256": hashlib.sha256(png).hexdigest()}
    ]
    assert any(source["id"] == "designer" for source in definition["sources"])
    assert definition["drivers"] == []
    assert definition["shared_signals"] == []
    assert definition["mcu"] == {"family": "stm32", "chip": "stm32g0b1"}
    motor, fan = definition["connectors"]
    assert (motor["id"], motor["label"], fan["id"], fan["label"], fan["kind"]) == (
        "MOTOR_X",
        "MOTOR X",
        "FAN0",
        "FAN0",
        "fan",
    )
    assert motor["pins"] == [
        {"number": 1, "function": "gpio", "mcu_pin": "PA1"},
        {"number": 2, "function": "gnd", "net": "GND"},
    ]
    assert fan["pins"] == [{"number": 1, "function": "fan_pwm", "mcu_pin": "PC6"}]

    # The geometry is where the mouse drew it, within a pixel of the image.
    rect, circle = motor["geometry"], fan["geometry"]
    assert rect["image"] == circle["image"] == "top"
    assert (rect["shape"], circle["shape"]) == ("rect", "circle")
    for number in (*[rect[k] for k in "xywh"], circle["cx"], circle["cy"], circle["r"]):
        assert round(number, 6) == number
    (x0, y0), (x1, y1) = RECT
    assert rect["x"] * 800 == pytest.approx(x0, abs=1)
    assert rect["y"] * 500 == pytest.approx(y0, abs=1)
    assert rect["w"] * 800 == pytest.approx(x1 - x0, abs=1)
    assert rect["h"] * 500 == pytest.approx(y1 - y0, abs=1)
    (cx, cy), (ex, _ey) = CIRCLE
    assert circle["cx"] * 800 == pytest.approx(cx, abs=1)
    assert circle["cy"] * 500 == pytest.approx(cy, abs=1)
    assert circle["r"] * 800 == pytest.approx(ex - cx, abs=1)  # r is a fraction of the image width
