"""Editing on the canvas: move, resize, zoom, pan, delete, place an unplaced connector, import a file; all undoable."""

import json

import pytest
from playwright.sync_api import expect

from boards.tests.browser.conftest import board_png, drag, image_box, load_local_image, press_on_canvas, to_screen

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZE = (800, 500)


def geometry(page, index=0):
    return page.evaluate(f"() => window.boardDesigner.doc.connectors[{index}].geometry")


def pixels(g):
    return {"x": g["x"] * SIZE[0], "y": g["y"] * SIZE[1], "w": g["w"] * SIZE[0], "h": g["h"] * SIZE[1]}


def assert_rect(page, x, y, w, h, index=0):
    got = pixels(geometry(page, index))
    assert got == {
        "x": pytest.approx(x, abs=1),
        "y": pytest.approx(y, abs=1),
        "w": pytest.approx(w, abs=1),
        "h": pytest.approx(h, abs=1),
    }


def test_designer_moves_resizes_deletes_and_places_shapes(designer, tmp_path):
    page = designer
    board_png(tmp_path / "board.png", *SIZE)
    load_local_image(page, tmp_path / "board.png", SIZE)

    page.get_by_test_id("tool-rect").click()
    drag(page, to_screen(page, 100, 100, SIZE), to_screen(page, 200, 150, SIZE))
    assert_rect(page, 100, 100, 100, 50)
    expect(page.get_by_test_id("tool-select")).to_have_attribute("aria-pressed", "true")

    drag(page, to_screen(page, 150, 125, SIZE), to_screen(page, 250, 225, SIZE))  # move by its body
    assert_rect(page, 200, 200, 100, 50)
    drag(page, to_screen(page, 300, 250, SIZE), to_screen(page, 350, 300, SIZE))  # the south-east handle
    assert_rect(page, 200, 200, 150, 100)
    expect(page.get_by_test_id("connector-geometry")).to_have_text(
        "Rectangle at 200, 200 px, 150\N{MULTIPLICATION SIGN}100 px"
    )
    page.get_by_test_id("undo").click()
    assert_rect(page, 200, 200, 100, 50)
    page.get_by_test_id("redo").click()
    assert_rect(page, 200, 200, 150, 100)

    # Zooming and panning change the view, never the geometry; the shape stays on its spot of the image.
    before = image_box(page)
    zoom = page.get_by_test_id("zoom-level").text_content()
    page.mouse.move(*to_screen(page, 400, 250, SIZE))
    page.mouse.wheel(0, -400)
    expect(page.get_by_test_id("zoom-level")).not_to_have_text(zoom)
    assert image_box(page)["width"] > before["width"] * 1.5
    zoomed = image_box(page)
    stage = page.get_by_test_id("canvas").bounding_box()
    start = (stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down(button="middle")
    page.mouse.move(start[0] - 60, start[1] - 40, steps=5)
    page.mouse.up(button="middle")
    panned = image_box(page)
    assert (panned["x"] - zoomed["x"], panned["y"] - zoomed["y"]) == (pytest.approx(-60), pytest.approx(-40))
    page.get_by_test_id("tool-pan").click()
    drag(page, start, (start[0] + 30, start[1] - 20))
    assert (image_box(page)["x"] - panned["x"], image_box(page)["y"] - panned["y"]) == (
        pytest.approx(30),
        pytest.approx(-20),
    )
    shape = page.get_by_test_id("shape-body").bounding_box()  # with the stroke: compare centres
    centre = to_screen(page, 275, 250, SIZE)
    assert (shape["x"] + shape["width"] / 2, shape["y"] + shape["height"] / 2) == (
        pytest.approx(centre[0], abs=1),
        pytest.approx(centre[1], abs=1),
    )
    assert_rect(page, 200, 200, 150, 100)
    page.get_by_test_id("zoom-fit").click()
    press_on_canvas(page, "v")

    # Delete with the keyboard, bring it back with undo.
    page.get_by_test_id("connector-item").click()
    page.keyboard.press("Delete")
    expect(page.get_by_test_id("shape")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("shape")).to_have_count(1)
    assert_rect(page, 200, 200, 150, 100)

    # A connector added without a shape is placed by drawing while it is selected.
    page.get_by_test_id("add-connector").click()
    page.get_by_test_id("connector-label").fill("EXP1")
    expect(page.get_by_test_id("not-placed")).to_have_count(1)
    press_on_canvas(page, "c")
    drag(page, to_screen(page, 600, 100, SIZE), to_screen(page, 630, 100, SIZE))
    expect(page.get_by_test_id("not-placed")).to_have_count(0)
    expect(page.get_by_test_id("connector-item")).to_have_count(2)
    circle = geometry(page, 1)
    assert (circle["cx"] * 800, circle["cy"] * 500, circle["r"] * 800) == (
        pytest.approx(600, abs=1),
        pytest.approx(100, abs=1),
        pytest.approx(30, abs=1),
    )

    # Import a definition file into a new board; undo returns to the board before the import.
    definition = page.evaluate("() => window.boardDesigner.buildDefinition()")
    (tmp_path / "board.json").write_text(json.dumps(definition), encoding="utf-8")
    page.get_by_test_id("new-board").click()
    expect(page.get_by_test_id("connector-item")).to_have_count(0)
    page.get_by_test_id("import-file-input").set_input_files(str(tmp_path / "board.json"))
    expect(page.get_by_test_id("shape-label")).to_have_text(["Connector 1", "EXP1"])
    assert page.evaluate("() => window.boardDesigner.buildDefinition()") == definition
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("connector-item")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("connector-item")).to_have_count(2)
