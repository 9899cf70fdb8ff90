"""Browser tests of the site's own pages.

Two kinds of site:
- ``server`` / ``chromium_page`` (boards/tests/browser): a real daphne without a bridge and the
  board catalog loaded; for pages that need no printer activity.
- ``farm_site`` / ``farm_site_with`` (status/tests/browser): a real daphne in embedded mode with
  two real Moonraker printers; ``varied_farm`` below fills it with what a farm shows at once, so
  the layout tests meet the long texts and every kind of card.
"""

from __future__ import annotations

import base64
import io
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from PIL import Image

from boards.tests.browser.conftest import chromium_browser, chromium_page, server  # noqa: F401
from conftest import _free_port
from status.tests.bridge.conftest import wait_for
from status.tests.browser.conftest import FarmSite, farm_browser, farm_site, farm_site_with  # noqa: F401

ADMIN_TOKEN = "browser-tests-printer-admin-token-0123456789"
# Long texts without a place to break: what pushes a card wider than a phone.
LONG_FILE = "enclosure_door_hinge_left_side_v7_final_really_final_0.2mm_PETG_MK4_2h13m.gcode"
LONG_NAME = "Workshop corner printer with the long name nobody shortened (Voron 2.4 350)"
LONG_TAGS = ["floor-1", "petg", "nozzle-0-6", "enclosure", "a-long-tag-without-a-break-01234"]
ERROR_MESSAGE = (
    "MCU 'mcu' shutdown: Timer too close. This often indicates a host computer overload; "
    "check for other processes consuming excessive CPU time, high swap usage, disk errors, "
    "overheating, unstable voltage, or similar system problems on the host computer."
)


@dataclass
class VariedFarm:
    site: FarmSite
    printing: str  # a Moonraker printer printing LONG_FILE (with a thumbnail in the file)
    error: str  # a Moonraker printer in error with ERROR_MESSAGE
    demo: str  # a demo printer with LONG_NAME and LONG_TAGS
    unreachable: str  # a Moonraker printer at an address nothing answers (offline, unreachable)

    @property
    def url(self) -> str:
        return self.site.url


def thumbnail_gcode(text: str, color=(200, 80, 30)) -> str:
    """``text`` with a 32x32 and a 300x300 PNG thumbnail block as PrusaSlicer writes them, after its first line."""
    blocks = []
    for size in (32, 300):
        buffer = io.BytesIO()
        Image.new("RGB", (size, size), color).save(buffer, "PNG")
        data = base64.b64encode(buffer.getvalue()).decode()
        lines = [f"; thumbnail begin {size}x{size} {len(data)}"]
        lines += [f"; {data[i : i + 78]}" for i in range(0, len(data), 78)]
        lines += ["; thumbnail end", ";"]
        blocks.append("\n".join(lines))
    first, _, rest = text.partition("\n")
    return first + "\n;\n" + "\n".join(blocks) + "\n" + rest


def admin_post(url: str, path: str, data: dict) -> dict:
    request = urllib.request.Request(
        f"{url}{path}",
        data=json.dumps(data).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Printer-Admin-Key": ADMIN_TOKEN},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"POST {path} -> {exc.code}: {exc.read()[:500]!r}") from exc


@pytest.fixture
def varied_farm(farm_site_with) -> VariedFarm:  # noqa: F811 (the fixture imported above)
    """A farm showing at once: printing (long file name, thumbnail), error (long message), a demo
    printer with a long name and many tags, and an unreachable one; all as the API sees them."""
    from scripts.moonraker_instance import slicer_gcode

    site = farm_site_with(PRINTER_ADMIN_TOKEN=ADMIN_TOKEN)
    admin_post(
        site.url,
        "/api/printers/",
        {"slug": "workshop", "name": LONG_NAME, "source_kind": "demo", "tags": LONG_TAGS, "source_config": {"seed": 3}},
    )
    admin_post(
        site.url,
        "/api/printers/",
        {
            "slug": "gone",
            "name": "Gone",
            "source_kind": "moonraker",
            "moonraker_url": f"http://127.0.0.1:{_free_port()}",
            "tags": ["floor-3"],
        },
    )
    alpha = site.printers["alpha"]
    # Long enough to be printing through every test (20 lines/s: about 10 minutes).
    alpha.put_gcode(LONG_FILE, thumbnail_gcode(slicer_gcode(layers=120, lines_per_layer=100, estimated_seconds=600)))
    alpha.wait_metadata(LONG_FILE)
    alpha.result("POST", "/printer/print/start", filename=LONG_FILE)
    site.printers["beta"].klippy_call("standin/set_state", state="error", message=ERROR_MESSAGE)
    site.wait_state("alpha", "printing", timeout=30)
    site.wait_state("beta", "error", timeout=30)

    def connection(slug: str, state: str):
        def reached():
            return site.get(f"/api/printers/{slug}")["connection"]["state"] == state

        wait_for(reached, timeout=30, what=f"{slug} {state}")

    connection("workshop", "connected")
    connection("gone", "unreachable")
    return VariedFarm(site=site, printing="alpha", error="beta", demo="workshop", unreachable="gone")


def pytest_terminal_summary(terminalreporter):
    """Say where this run's screenshots are (test artifacts to look at)."""
    from klipperiwc_site.tests.browser.layout import SCREENSHOTS, TAKEN

    if TAKEN:
        terminalreporter.write_sep("-", "screenshots")
        terminalreporter.write_line(f"{len(TAKEN)} screenshots in {SCREENSHOTS}/: {', '.join(p.name for p in TAKEN)}")


def open_page(site: FarmSite, path: str, *, width: int, height: int, color_scheme: str = "light", token: bool = True):
    """A new page of ``site`` at ``width`` x ``height`` showing ``path`` (network quiet).

    With ``token`` the control token is in sessionStorage before the page's scripts run (as after
    entering it once), so the controls are on the page too.
    """
    page = site.new_page(viewport={"width": width, "height": height}, color_scheme=color_scheme)
    if token:
        page.add_init_script(f"sessionStorage.setItem('klipperiwc.controlToken', {json.dumps(site.control_token)})")
    page.goto(f"{site.url}{path}", wait_until="networkidle")
    return page


def wait_for_text(page, *texts: str, timeout: float = 15_000) -> None:
    """Wait until each text is in the page's visible text (the live content has arrived)."""
    for text in texts:
        page.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=timeout)


def farm_content_arrived(page) -> None:
    """The farm shows the printing printer's file and the demo printer's long name."""
    wait_for_text(page, LONG_FILE[:30], LONG_NAME[:30])
    page.wait_for_timeout(500)  # one more round of updates and layout (charts, progress)


def printer_content_arrived(page, farm: VariedFarm, slug: str) -> None:
    expected = {farm.printing: LONG_FILE[:30], farm.error: ERROR_MESSAGE[:30], farm.demo: LONG_NAME[:30]}
    wait_for_text(page, expected.get(slug, slug))
    page.wait_for_timeout(500)
