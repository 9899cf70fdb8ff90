"""Browser tests: a real daphne serving the project, driven by Debian's Chromium through Playwright.

Each test gets its own server (temporary SQLite database, migrated and loaded
with ``manage.py sync_boards``, board-asset tokens and a local asset folder) and
a fresh browser context, so localStorage starts empty. Playwright's own browser
downloads are not used: ``/usr/bin/chromium`` is. When it is missing the tests
skip, or fail under KLIPPERIWC_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from urllib3 import encode_multipart_formdata

from conftest import service_missing

CHROMIUM = Path("/usr/bin/chromium")
UPLOAD_TOKEN = "browser-tests-upload-token-0123456789"
MODERATOR_TOKEN = "browser-tests-moderator-token-0123456789"
VIEWPORT = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class Server:
    url: str
    assets: Path


@pytest.fixture
def server(project_env, manage, start_daphne, tmp_path) -> Server:
    """A daphne process serving the project with its board catalog loaded."""
    assets = tmp_path / "assets"
    env = project_env(
        # development: static files come straight from static/ (no collectstatic run for the tests)
        APP_ENV="development",
        SECRET_KEY="browser-tests-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        BOARD_ASSET_UPLOAD_TOKEN=UPLOAD_TOKEN,
        BOARD_ASSET_MODERATION_TOKEN=MODERATOR_TOKEN,
        BOARD_ASSET_LOCAL_PATH=str(assets),
        # No bridge inside daphne: a status reaches the page only when a test asks
        # /api/status for it, so a test knows what the page must show.
        BRIDGE_MODE="process",
    )
    for command in (("migrate", "--noinput"), ("sync_boards",)):
        result = manage(*command, env=env)
        assert result.returncode == 0, f"manage.py {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return Server(url=start_daphne(env), assets=assets)


@pytest.fixture
def chromium_browser():
    if not CHROMIUM.exists():
        service_missing("Chromium", str(CHROMIUM), "not installed (Debian package chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        service_missing("Playwright", "the Python package playwright", exc)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        except Error as exc:
            service_missing("Chromium", str(CHROMIUM), str(exc).strip().splitlines()[0])
        yield browser
        browser.close()


@pytest.fixture
def chromium_page(chromium_browser):
    """A page at 1280x800 in a fresh context; the test fails if the page throws a JavaScript error."""
    context = chromium_browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def designer(server, chromium_page):
    """The board designer, loaded and initialised."""
    chromium_page.goto(f"{server.url}/board-designer")
    chromium_page.wait_for_function("() => window.boardDesigner !== undefined")
    return chromium_page


# --- helpers -------------------------------------------------------------------------


def board_png(path: Path, width: int = 800, height: int = 500) -> bytes:
    """A board-like picture (green PCB with a few parts), written to ``path``; returns its bytes."""
    image = Image.new("RGB", (width, height), (18, 92, 52))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 80, 300, 180), fill=(235, 235, 235))
    draw.ellipse((560, 260, 640, 340), fill=(30, 30, 30))
    draw.rectangle((width - 120, 20, width - 20, 60), fill=(200, 160, 40))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def image_box(page) -> dict:
    """The board image's box on the screen (CSS pixels)."""
    box = page.get_by_test_id("canvas-image").bounding_box()
    assert box, "the board image is not on the page"
    assert box["width"] > 0, box
    assert box["height"] > 0, box
    return box


def to_screen(page, x: float, y: float, size: tuple[int, int]) -> tuple[float, float]:
    """Screen position of image pixel (x, y) on an image of ``size`` (width, height)."""
    box = image_box(page)
    return box["x"] + x * box["width"] / size[0], box["y"] + y * box["height"] / size[1]


def drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.mouse.up()


def press_on_canvas(page, key: str) -> None:
    """A keyboard shortcut with the canvas focused (shortcuts are off while typing in a field)."""
    page.get_by_test_id("canvas").focus()
    page.keyboard.press(key)


def load_local_image(page, path: Path, size: tuple[int, int]) -> None:
    page.get_by_test_id("local-image-input").set_input_files(str(path))
    page.wait_for_function(
        "([w, h]) => { const s = window.boardDesigner.imageSize(); return s && s.w === w && s.h === h; }",
        arg=list(size),
    )
    page.wait_for_function("() => document.querySelector('[data-testid=canvas-image]').getAttribute('href')")


def post_json(url: str, data: object) -> tuple[int, object]:
    request = urllib.request.Request(
        url, data=json.dumps(data).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            body = response.read()
            status = response.status
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        body, status, content_type = exc.read(), exc.code, exc.headers.get("Content-Type", "")
    return status, json.loads(body) if content_type.startswith("application/json") else body.decode()


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.loads(response.read())


def upload_asset(
    base_url: str, content: bytes, *, filename: str = "board.png", content_type: str = "image/png", **fields: str
) -> dict:
    """POST /api/board-assets/ as multipart with the upload token; returns the created asset."""
    body, content_type = encode_multipart_formdata({**fields, "file": (filename, content, content_type)})
    request = urllib.request.Request(
        f"{base_url}/api/board-assets/",
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "X-Board-Assets-Key": UPLOAD_TOKEN},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        return json.loads(response.read())


def approve_asset(base_url: str, asset_id: str) -> dict:
    request = urllib.request.Request(
        f"{base_url}/api/board-assets/{asset_id}/moderation",
        data=json.dumps({"status": "approved", "reviewer": "test"}).encode(),
        method="PATCH",
        headers={"Content-Type": "application/json", "X-Board-Assets-Moderator": MODERATOR_TOKEN},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 200
        return json.loads(response.read())
