"""In Chromium: an invitation link makes an operator, whose account page makes a personal API key that
opens printer control until it is revoked; sign-out and sign-in through the user menu. The account
pages have no horizontal overflow from a phone to a wall screen, in light and dark, and the
Content-Security-Policy refuses nothing on them (screenshots in test-artifacts/screenshots/)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from klipperiwc_site.tests.browser.csp_watch import watch
from klipperiwc_site.tests.browser.layout import (
    COLOURS,
    HEIGHTS,
    WIDTHS,
    assert_no_horizontal_overflow,
    luminance,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "a-long-passphrase-for-lena-7"


@pytest.fixture
def site(project_env, manage, start_daphne, tmp_path):
    env = project_env(
        APP_ENV="development",
        SECRET_KEY="browser-tests-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        BRIDGE_MODE="process",
    )
    assert manage("migrate", "--noinput", env=env).returncode == 0
    invited = manage("invite", "--role", "operators", "--note", "Lena", env=env)
    assert invited.returncode == 0, invited.stderr
    return start_daphne(env), invited.stdout.strip()


def control(url: str, key: str) -> int:
    request = urllib.request.Request(
        f"{url}/api/printers/demo/actions/restart", method="POST", headers={"Authorization": f"Bearer {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            json.load(response)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_whole_account_flow(site, chromium_browser):
    url, invitation = site
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    refusals = watch(page)

    page.goto(f"{url}{invitation}")
    expect(page.locator(".chip")).to_have_text("operators")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Make my account").click()

    expect(page.get_by_test_id("roles")).to_have_text("operators")
    expect(page.get_by_test_id("account-link")).to_have_text("lena")
    page.get_by_label("Name").fill("farm wall")
    page.get_by_role("button", name="Create key").click()
    key = page.get_by_test_id("new-key-value").input_value()
    assert key.startswith("kiwc_")
    assert control(url, key) == 200

    page.goto(f"{url}/accounts/")
    expect(page.get_by_test_id("new-key")).to_have_count(0)
    row = page.get_by_test_id("key-row").filter(has_text="farm wall")
    expect(row).to_contain_text("kiwc_")
    assert key not in page.content()
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_test_id("key-row").filter(has_text="farm wall")).to_contain_text("revoked")
    assert control(url, key) == 403

    page.get_by_test_id("sign-out").click()
    expect(page.get_by_test_id("sign-in-link")).to_be_visible()
    page.get_by_test_id("sign-in-link").click()
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Back where the sign-in began (the farm), signed in.
    expect(page.get_by_test_id("account-link")).to_have_text("lena")

    unexpected = refusals.unexpected()
    assert unexpected == {"violations": [], "console": []}, unexpected
    context.close()
    assert not errors, errors

    failures = []

    def measure(page, where: str) -> None:
        try:
            assert_no_horizontal_overflow(page, where)
        except AssertionError as exc:
            failures.append(str(exc))

    for theme in ("light", "dark"):
        for width in WIDTHS:
            context = chromium_browser.new_context(
                viewport={"width": width, "height": HEIGHTS[width]}, color_scheme=theme
            )
            page = context.new_page()
            page.goto(f"{url}/accounts/sign-in")
            measure(page, f"sign-in at {width} px, {theme}")
            screenshot(page, f"sign-in-{width}-{theme}")
            page.get_by_label("Username").fill("lena")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_label("Name").fill("a key with a long name for the wall screen")
            page.get_by_role("button", name="Create key").click()
            expect(page.get_by_test_id("new-key")).to_be_visible()
            measure(page, f"account at {width} px, {theme}")
            background = luminance(page.evaluate(COLOURS)["background"])
            assert background < 0.08 if theme == "dark" else background > 0.6, (theme, background)
            screenshot(page, f"account-{width}-{theme}")
            context.close()
    assert not failures, "\n\n".join(failures)
