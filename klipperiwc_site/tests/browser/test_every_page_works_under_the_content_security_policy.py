"""Every HTML page works in Chromium under the site's Content-Security-Policy, and the policy
refuses nothing on it: the farm (live cards over the WebSocket), a printer's page (status,
chart and legend), the board designer (with a local board image), the admin (login, a list,
a change page), Swagger UI (the operations), Redoc and the 503 page.

The one refusal expected is Redoc's own: its sidebar asks cdn.redoc.ly for the Redocly logo,
which the policy keeps off (the docs fetch nothing from another host, see
test_every_page_works_offline.py); Redoc hides the image then.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from boards.tests.browser.conftest import board_png, load_local_image
from klipperiwc_site.tests.browser.csp_watch import watch
from klipperiwc_site.tests.test_the_503_page_is_readable_in_light_and_dark import cut_off_site  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADMIN = {"username": "csp-admin", "password": "csp-admin-password-0123456789", "email": "admin@example.com"}
REDOCLY_LOGO = ("img-src", "https://cdn.redoc.ly/redoc/logo-mini.svg")


def assert_nothing_refused(refusals) -> None:
    unexpected = refusals.unexpected()
    assert unexpected == {"violations": [], "console": []}, unexpected


def policy_of(response) -> str:
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, (response.url, policy)
    assert "unsafe-inline" not in policy, (response.url, policy)
    return policy


@pytest.mark.moonraker
def test_every_site_page_works_and_nothing_is_refused(farm_site, manage, tmp_path):
    site = farm_site
    page = site.new_page()
    refusals = watch(page)

    policy_of(page.goto(f"{site.url}/"))
    page.wait_for_function("() => document.querySelector('#live')?.dataset.state === 'live'")
    for slug, name in (("alpha", "Alpha"), ("beta", "Beta")):
        card = page.locator(f'[data-printer="{slug}"]')
        expect(card).to_have_attribute("data-state", "idle")
        expect(card).to_contain_text(name)

    policy_of(page.goto(f"{site.url}/printers/alpha"))
    expect(page.get_by_test_id("socket-state")).to_have_text("live")
    expect(page.get_by_test_id("state")).to_have_text("idle")
    legend = page.get_by_test_id("legend")
    expect(legend.locator("[data-component=extruder] [data-testid=legend-value]")).to_have_text(re.compile("°C"))
    # The legend's colour swatch is styled from script (a custom property), which the policy allows.
    swatch = legend.locator("[data-component=extruder] .pp-swatch")
    assert swatch.evaluate("(el) => el.style.getPropertyValue('--swatch')").strip() not in ("", "#888")
    expect(page.locator(".pp-chart canvas").first).to_be_visible()

    policy_of(page.goto(f"{site.url}/board-designer"))
    page.wait_for_function("() => window.boardDesigner !== undefined")
    image = tmp_path / "board.png"
    board_png(image, 400, 250)
    load_local_image(page, image, (400, 250))
    assert page.get_by_test_id("canvas-image").bounding_box()["width"] > 0

    policy_of(page.goto(f"{site.url}/api/docs/"))
    # The schema is generated on the first request: allow it time.
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    assert page.locator(".opblock").count() > 10

    refusals.expected.add(REDOCLY_LOGO)
    redoc = page.goto(f"{site.url}/api/redoc/")
    assert "'nonce-" in policy_of(redoc)
    expect(page.locator("h1").first).to_contain_text("KlipperIWC API", timeout=30_000)
    # Redoc's own styles apply (the nonce lets its <style> elements in): the three-column
    # layout puts the menu beside the content, not above it.
    menu = page.locator(".menu-content").first.bounding_box()
    content = page.locator(".api-content").first.bounding_box()
    assert menu, "no Redoc menu"
    assert content, "no Redoc content"
    assert menu["x"] + menu["width"] <= content["x"] + 1, (menu, content)

    env = {
        **site.embedded.env,
        "DJANGO_SUPERUSER_USERNAME": ADMIN["username"],
        "DJANGO_SUPERUSER_PASSWORD": ADMIN["password"],
        "DJANGO_SUPERUSER_EMAIL": ADMIN["email"],
    }
    created = manage("ensure_superuser", env=env)
    assert created.returncode == 0, created.stderr
    policy_of(page.goto(f"{site.url}/admin/login/?next=/admin/"))
    page.fill("#id_username", ADMIN["username"])
    page.fill("#id_password", ADMIN["password"])
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text(re.compile("welcome", re.IGNORECASE))
    policy_of(page.goto(f"{site.url}/admin/status/printer/"))
    page.locator("#result_list tbody th a").first.click()
    expect(page.locator("#content h1")).to_contain_text("Change printer")
    # The change form's own scripts run (they read their data from data- attributes).
    page.wait_for_function("() => window.django && window.django.jQuery !== undefined")
    policy_of(page.goto(f"{site.url}/admin/status/printer/add/"))
    expect(page.locator("#printer_form")).to_be_visible()

    assert_nothing_refused(refusals)
    # Redoc asked for its logo and was refused: the watch does see what the policy refuses.
    assert [v for v in refusals.violations if (v["directive"], v["blocked"]) == REDOCLY_LOGO], refusals.violations
    assert site.errors == []


@pytest.mark.requires_postgres
def test_the_503_page_shows_and_nothing_is_refused(cut_off_site, chromium_browser):  # noqa: F811
    context = chromium_browser.new_context()
    page = context.new_page()
    refusals = watch(page)
    response = page.goto(cut_off_site + "/")
    assert response.status == 503
    policy_of(response)
    expect(page.locator(".unavailable h1")).to_have_text("Temporarily unavailable")
    # site.css (its .unavailable rules) applies: the box is centred with a bounded width.
    assert page.locator(".unavailable").evaluate("(el) => getComputedStyle(el).maxWidth") != "none"
    assert_nothing_refused(refusals)
    context.close()
