"""Every page (the farm, a printer's page, the board designer, both API viewers, the admin)
loads everything it needs from the site itself: in Chromium, with every request
to another host refused, nothing is asked of another host and each page renders.
With real Moonraker printers (one printing a file with a thumbnail), the farm and the
printer page never ask the printers themselves: the thumbnail comes from the site."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADMIN = {"username": "offline-admin", "password": "offline-admin-password-0123", "email": "admin@example.com"}


@pytest.fixture
def offline_page(server, chromium_page):
    """The page with a route that lets only the test server through; ``page.elsewhere`` lists the rest."""
    return only_own_host(chromium_page, server.url)


def only_own_host(page, site_url: str):
    """Refuse every request of ``page`` to a host other than ``site_url``'s; ``page.elsewhere`` lists them."""
    chromium_page = page
    own = urlsplit(site_url).netloc
    elsewhere: list[str] = []

    def route(route):
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    chromium_page.route("**/*", route)
    chromium_page.on("websocket", lambda ws: None if urlsplit(ws.url).netloc == own else elsewhere.append(ws.url))
    chromium_page.elsewhere = elsewhere
    return chromium_page


def _first_operation_summary(base_url: str) -> str:
    with urllib.request.urlopen(f"{base_url}/api/schema/?format=json", timeout=20) as response:
        schema = json.loads(response.read())
    for operations in schema["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and operation.get("summary"):
                return operation["summary"]
    raise AssertionError("the schema has no operation with a summary")


def test_redoc_renders_the_api_without_other_hosts(server, offline_page):
    summary = _first_operation_summary(server.url)

    offline_page.goto(f"{server.url}/api/redoc/", wait_until="networkidle")

    offline_page.locator("h2", has_text=summary).first.wait_for(state="visible")
    assert offline_page.locator("h1").first.inner_text().startswith("KlipperIWC API")
    assert offline_page.elsewhere == []


def test_swagger_ui_renders_the_api_without_other_hosts(server, offline_page):
    offline_page.goto(f"{server.url}/api/docs/", wait_until="networkidle")

    offline_page.locator(".opblock").first.wait_for(state="visible")
    assert offline_page.elsewhere == []


@pytest.mark.parametrize(
    ("path", "shows"), [("/", "h1"), ("/printers/demo", "h1"), ("/board-designer", "[data-testid=canvas]")]
)
def test_site_pages_load_without_other_hosts(server, offline_page, path, shows):
    offline_page.goto(f"{server.url}{path}", wait_until="networkidle")

    offline_page.locator(shows).first.wait_for(state="visible")
    assert offline_page.elsewhere == []


def test_the_admin_works_without_other_hosts(server, offline_page, manage, project_env, tmp_path):
    env = project_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        DJANGO_SUPERUSER_USERNAME=ADMIN["username"],
        DJANGO_SUPERUSER_PASSWORD=ADMIN["password"],
        DJANGO_SUPERUSER_EMAIL=ADMIN["email"],
        SECRET_KEY="browser-tests-secret-key-0123456789-abcdefghijklmnop",
    )
    created = manage("ensure_superuser", env=env)
    assert created.returncode == 0, created.stderr

    offline_page.goto(f"{server.url}/admin/", wait_until="networkidle")
    offline_page.fill("#id_username", ADMIN["username"])
    offline_page.fill("#id_password", ADMIN["password"])
    offline_page.locator("input[type=submit]").click()
    offline_page.wait_for_load_state("networkidle")

    offline_page.locator("#site-name").wait_for(state="visible")
    assert offline_page.locator("#user-tools").inner_text().upper().startswith("WELCOME")
    assert offline_page.elsewhere == []


@pytest.mark.moonraker
def test_the_farm_and_printer_page_never_ask_the_printers(varied_farm):
    from klipperiwc_site.tests.browser.conftest import farm_content_arrived, printer_content_arrived

    site = varied_farm.site
    moonrakers = {urlsplit(instance.url).netloc for instance in site.printers.values()}
    for path, arrived in (
        ("/", farm_content_arrived),
        (f"/printers/{varied_farm.printing}", lambda p: printer_content_arrived(p, varied_farm, varied_farm.printing)),
        (f"/printers/{varied_farm.unreachable}", lambda p: p.locator("h1").first.wait_for(state="visible")),
    ):
        page = only_own_host(site.new_page(), site.url)
        page.goto(f"{site.url}{path}", wait_until="networkidle")
        arrived(page)
        page.wait_for_timeout(1500)  # the thumbnail is asked for once the job is known
        images = page.evaluate("() => [...document.images].map((img) => img.currentSrc || img.src).filter(Boolean)")
        assert page.elsewhere == [], f"{path} asked other hosts (Moonraker is {sorted(moonrakers)}): {page.elsewhere}"
        own = urlsplit(site.url).netloc
        assert all(urlsplit(src).netloc == own for src in images if not src.startswith("data:")), images
