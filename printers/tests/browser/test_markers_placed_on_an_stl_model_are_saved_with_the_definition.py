"""In Chromium: an STL model of the printer, then a STEP model (OpenCascade in a worker), loads into
the designer (three.js, vendored, under the site's Content-Security-Policy); a click on the model places
the chosen component's marker at the point hit; the marker goes into the definition with the file's name,
format and sha256; and the server accepts that definition (the printer.cfg shown is the one it generates
for it)."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from klipperiwc_site.tests.browser.csp_watch import watch
from klipperiwc_site.tests.browser.layout import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# A cube made in FreeCAD, from occt-import-js's own test files (test/testfiles/cube-units/cube-mm.step).
STEP_CUBE = Path(__file__).resolve().parents[1] / "fixtures" / "cube-mm.step"


@pytest.fixture
def site(project_env, manage, start_daphne, tmp_path):
    env = project_env(
        APP_ENV="development",
        SECRET_KEY="browser-tests-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        BRIDGE_MODE="process",
    )
    for command in (("migrate", "--noinput"), ("sync_boards",)):
        assert manage(*command, env=env).returncode == 0
    return start_daphne(env)


def cube_stl(size: float) -> str:
    """An ASCII STL of a cube from (0, 0, 0) to (size, size, size): 12 triangles."""
    s = size
    corners: dict[str, list[tuple[tuple[float, float, float], ...]]] = {
        "bottom": [((0, 0, 0), (s, s, 0), (s, 0, 0)), ((0, 0, 0), (0, s, 0), (s, s, 0))],
        "top": [((0, 0, s), (s, 0, s), (s, s, s)), ((0, 0, s), (s, s, s), (0, s, s))],
        "front": [((0, 0, 0), (s, 0, 0), (s, 0, s)), ((0, 0, 0), (s, 0, s), (0, 0, s))],
        "back": [((0, s, 0), (s, s, s), (s, s, 0)), ((0, s, 0), (0, s, s), (s, s, s))],
        "left": [((0, 0, 0), (0, 0, s), (0, s, s)), ((0, 0, 0), (0, s, s), (0, s, 0))],
        "right": [((s, 0, 0), (s, s, 0), (s, s, s)), ((s, 0, 0), (s, s, s), (s, 0, s))],
    }
    lines = ["solid cube"]
    for triangles in corners.values():
        for triangle in triangles:
            lines += ["  facet normal 0 0 0", "    outer loop"]
            lines += [f"      vertex {x} {y} {z}" for x, y, z in triangle]
            lines += ["    endloop", "  endfacet"]
    lines.append("endsolid cube")
    return "\n".join(lines) + "\n"


def test_a_marker_on_the_model_is_saved_with_the_definition(site, chromium_browser, tmp_path):
    model = tmp_path / "frame.stl"
    model.write_text(cube_stl(200.0))
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    refusals = watch(page)
    page.goto(f"{site}/printer-designer")
    page.wait_for_function("() => window.printerDesigner !== undefined")
    page.get_by_test_id("pd-template").select_option("creality-ender3-pro-4.2.2")
    expect(page.get_by_test_id("pd-status")).to_have_text("Valid: printer.cfg generated.")

    page.get_by_test_id("pd-model-file").set_input_files(str(model))
    page.wait_for_function("() => window.printerDesigner.model.state().loaded")
    expect(page.get_by_test_id("pd-model-status")).to_contain_text("frame.stl: click the model")
    page.get_by_test_id("pd-marker-component").select_option("hotend")
    canvas = page.get_by_test_id("pd-model-canvas")
    canvas.click()  # the middle of the view: the cube's face
    expect(page.get_by_test_id("pd-markers").locator("li")).to_have_count(1)
    expect(page.get_by_test_id("pd-markers")).to_contain_text("Hotend at")

    definition = page.evaluate("() => window.printerDesigner.buildDefinition()")
    entry = definition["model"]
    assert entry["file"] == "frame.stl"
    assert entry["sha256"] == hashlib.sha256(model.read_bytes()).hexdigest()
    (marker,) = entry["markers"]
    assert marker["component"] == "hotend"
    # The point hit is on the cube's surface: inside its bounds, and on one of its faces.
    assert all(-0.01 <= value <= 200.01 for value in marker["position"])
    assert any(abs(value) < 0.01 or abs(value - 200) < 0.01 for value in marker["position"])
    # The server takes the definition with its markers (and generates the same printer.cfg).
    expect(page.get_by_test_id("pd-status")).to_have_text("Valid: printer.cfg generated.")
    assert page.get_by_test_id("pd-preview").text_content() == response_text(site, definition)

    # A second marker for the same component replaces the first; another component adds one.
    page.get_by_test_id("pd-marker-component").select_option("probe")
    box = canvas.bounding_box()
    assert box
    canvas.click(position={"x": box["width"] / 2 + 10, "y": box["height"] / 2 + 10})
    expect(page.get_by_test_id("pd-markers").locator("li")).to_have_count(2)
    page.get_by_role("button", name="Remove the Probe marker").click()
    expect(page.get_by_test_id("pd-markers").locator("li")).to_have_count(1)
    screenshot(page, "printer-designer-model")

    # A STEP model (OpenCascade in a worker) replaces it: its markers start afresh, with the format.
    page.get_by_test_id("pd-model-file").set_input_files(str(STEP_CUBE))
    expect(page.get_by_test_id("pd-model-status")).to_contain_text("cube-mm.step: click the model")
    expect(page.get_by_test_id("pd-markers").locator("li")).to_have_count(0)
    page.get_by_test_id("pd-marker-component").select_option("board_main")
    page.get_by_test_id("pd-model-canvas").click()
    expect(page.get_by_test_id("pd-markers").locator("li")).to_have_count(1)
    entry = page.evaluate("() => window.printerDesigner.buildDefinition()")["model"]
    assert (entry["file"], entry["format"]) == ("cube-mm.step", "step")
    assert entry["sha256"] == hashlib.sha256(STEP_CUBE.read_bytes()).hexdigest()
    assert entry["markers"][0]["component"] == "board_main"
    expect(page.get_by_test_id("pd-status")).to_have_text("Valid: printer.cfg generated.")
    assert refusals.unexpected() == {"violations": [], "console": []}
    assert not errors, errors
    context.close()


def response_text(site: str, definition: dict) -> str:
    request = urllib.request.Request(
        f"{site}/api/printers-catalog/printer.cfg",
        data=json.dumps(definition).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.read().decode()
