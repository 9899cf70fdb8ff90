"""Browser tests of the farm and printer pages: real daphne, real Moonraker, real Chromium.

The ``farm_site`` fixture (and ``farm_site_with(**env)`` for other settings) gives a
:class:`FarmSite`:

- ``site.url``: a real daphne (``klipperiwc_site.asgi``) in the embedded mode as a user runs it:
  one process with the bridge inside (``BRIDGE_MODE=web``) on a SQLite file in the test's
  tmp_path, ``APP_ENV=development`` (static files straight from ``static/``),
  ``PRINTER_CONTROL_TOKEN`` = ``CONTROL_TOKEN``.
- ``site.printers``: ``{"alpha": MoonrakerInstance, "beta": MoonrakerInstance}``: two real
  Moonrakers (root conftest ``moonraker_printer``) against the stand-in klippy
  (scripts/standin_klippy.py), added as printers "alpha" (name "Alpha", tags floor-1, petg)
  and "beta" ("Beta", tags floor-2) and already idle. The demo printer is disabled (two cards).
  Drive a printer through the instance: ``put_print`` / ``result("POST",
  "/printer/print/start", filename=...)``, ``klippy_call("standin/set_state", state="error",
  message="...")``, ``kill_moonraker()`` (offline), ... (scripts/moonraker_instance.py).
- ``site.page``: a Playwright page (Debian's /usr/bin/chromium, 1280x800, fresh context);
  the test fails if the page throws a JavaScript error. ``site.new_page(viewport=...,
  color_scheme=...)`` opens another one.
- helpers: ``site.open_farm(query="", page=None)`` (goes to ``/`` + query, waits for the live
  socket), ``site.status(slug)`` (GET /api/status), ``site.wait_status(slug, condition)``,
  ``site.wait_state(slug, state)``, ``site.get(path)`` (JSON), ``site.start_print(slug,
  name, layers=..., lines_per_layer=...)`` (a sliced-looking file, printing once Moonraker
  says so), ``site.screenshot(page, name)`` (a PNG kept under test-artifacts/screenshots/, or
  $KLIPPERIWC_SCREENSHOT_DIR, as a test artifact; returns its path), ``site.embedded``
  (the EmbeddedSite of status/tests/bridge/conftest.py: stop()/start(), db, logs()).

Chromium missing skips the tests (fails under KLIPPERIWC_REQUIRE_SERVICES=1), as Moonraker does.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from boards.tests.browser.conftest import chromium_browser  # noqa: F401 - a fixture
from conftest import PROJECT_ROOT
from status.tests.bridge.conftest import EmbeddedSite, wait_for

CONTROL_TOKEN = "browser-tests-control-token-0123456789"
VIEWPORT = {"width": 1280, "height": 800}
PRINTERS = {
    "alpha": {"name": "Alpha", "tags": ["floor-1", "petg"]},
    "beta": {"name": "Beta", "tags": ["floor-2"]},
}
SCREENSHOTS = Path(os.environ.get("KLIPPERIWC_SCREENSHOT_DIR") or PROJECT_ROOT / "test-artifacts" / "screenshots")


@pytest.fixture
def farm_browser(chromium_browser):  # noqa: F811 - the imported fixture, requested by name
    """Debian's Chromium through Playwright, the board browser tests' fixture (skipped, naming why, if absent)."""
    return chromium_browser


class FarmSite:
    """A running site with two Moonraker printers and a browser; see the module docstring."""

    def __init__(self, embedded: EmbeddedSite, printers: dict, browser) -> None:
        self.embedded = embedded
        self.url = embedded.url
        self.printers = printers
        self.browser = browser
        self.control_token = CONTROL_TOKEN
        self._contexts: list = []
        self.errors: list[str] = []
        self.page = self.new_page()

    def new_page(self, *, viewport: dict | None = None, color_scheme: str = "light", **context_options):
        context = self.browser.new_context(
            viewport=viewport or VIEWPORT, color_scheme=color_scheme, accept_downloads=True, **context_options
        )
        self._contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    def close(self) -> None:
        for context in self._contexts:
            context.close()

    def open_farm(self, query: str = "", page=None):
        """Open the farm (``/`` + ``query``) on ``page`` (default ``self.page``) once its socket is live."""
        page = page or self.page
        page.goto(f"{self.url}/{query}")
        page.wait_for_function("() => document.querySelector('#live')?.dataset.state === 'live'")
        return page

    def get(self, path: str):
        return self.embedded.get(path)

    def status(self, slug: str) -> dict:
        return self.embedded.status(slug)

    def wait_status(self, slug: str, condition, *, timeout: float = 20, what: str = "a status") -> dict:
        return self.embedded.wait_status(slug, condition, timeout=timeout, what=what)

    def wait_state(self, slug: str, state: str, *, timeout: float = 20) -> dict:
        return self.wait_status(slug, lambda s: s["state"] == state, timeout=timeout, what=f"{slug} {state}")

    def start_print(self, slug: str, name: str = "part.gcode", **slicer) -> dict:
        """Put a sliced-looking file on ``slug``'s printer and print it; returns the status once printing."""
        instance = self.printers[slug]
        instance.put_print(name, **slicer)
        instance.wait_metadata(name)
        instance.result("POST", "/printer/print/start", filename=name)
        return self.wait_state(slug, "printing")

    def screenshot(self, page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def _add_printers(embedded: EmbeddedSite, printers: dict) -> None:
    rows = [
        {
            "slug": slug,
            "name": PRINTERS[slug]["name"],
            "tags": PRINTERS[slug]["tags"],
            "url": instance.url,
            "key": instance.api_key,
        }
        for slug, instance in printers.items()
    ]
    code = (
        "import json\n"
        "from status.models import Printer\n"
        "Printer.objects.filter(slug='demo').update(enabled=False)\n"
        f"for row in json.loads({json.dumps(rows)!r}):\n"
        "    Printer.objects.create(slug=row['slug'], name=row['name'], tags=row['tags'], source_kind='moonraker',\n"
        "                           moonraker_url=row['url'], api_key=row['key'])\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=PROJECT_ROOT,
        env=embedded.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _migrated_database(path: Path, tmp_path_factory, manage, env: dict[str, str]) -> None:
    """A migrated SQLite database at ``path``: migrated once per run, then copied (saves a migrate per test)."""
    if path.exists():  # a second site in the same test goes on with the first one's database
        return
    template = tmp_path_factory.getbasetemp() / "farm-template.sqlite3"
    if not template.exists():
        migrated = manage("migrate", "--noinput", env={**env, "DATABASE_URL": f"sqlite:///{path}"})
        assert migrated.returncode == 0, migrated.stderr
        _copy_database(path, template)
        return
    _copy_database(template, path)


def _copy_database(source: Path, target: Path) -> None:
    # SQLite's backup API copies a consistent database whatever journal files lie beside it.
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture
def farm_site_with(project_env, manage, tmp_path, tmp_path_factory, moonraker_printer, farm_browser):
    """``farm_site_with(lines_per_second=20, **env)``: a started FarmSite whose daphne also gets ``env``."""
    sites: list[tuple[FarmSite, EmbeddedSite]] = []

    def start(*, lines_per_second: float = 20.0, **overrides: str) -> FarmSite:
        database_url = f"sqlite:///{tmp_path}/farm.sqlite3"
        env = project_env(
            APP_ENV="development",
            SECRET_KEY="browser-tests-secret-key-0123456789-abcdefghijklmnop",
            DATABASE_URL=database_url,
            BRIDGE_MODE="web",
            BRIDGE_RELOAD_MS="500",
            PRINTER_CONTROL_TOKEN=CONTROL_TOKEN,
            **overrides,
        )
        _migrated_database(tmp_path / "farm.sqlite3", tmp_path_factory, manage, env)
        # Both Moonrakers start at once: each spends most of its start-up waiting.
        with ThreadPoolExecutor(len(PRINTERS)) as pool:
            started = {slug: pool.submit(moonraker_printer, lines_per_second=lines_per_second) for slug in PRINTERS}
        printers = {slug: future.result() for slug, future in started.items()}
        embedded = EmbeddedSite(env, database_url, tmp_path)
        _add_printers(embedded, printers)
        embedded.start()
        site = FarmSite(embedded, printers, farm_browser)
        sites.append((site, embedded))
        for slug in printers:
            site.wait_state(slug, "idle", timeout=30)
        return site

    yield start
    errors = []
    for site, embedded in sites:
        errors += site.errors
        site.close()
        embedded.stop()
        print(f"=== daphne ===\n{embedded.logs()}")
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def farm_site(farm_site_with) -> FarmSite:
    """The farm as a user runs it: two idle Moonraker printers, a browser page (not yet on the site)."""
    return farm_site_with()


__all__ = ["CONTROL_TOKEN", "FarmSite", "wait_for"]
