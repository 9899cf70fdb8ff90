"""In Chromium, a contributor starts from the shipped CoreXY with its EBB CAN toolhead: the toolhead's
connectors are in every list (and its connectors pickable once the picture shows the toolhead board),
the part fan is moved by clicking the toolhead's connector, the download equals the API's printer.cfg
(with the toolhead's [mcu EBBCan] and its pins), and the printer is submitted for review. The same form
then makes a delta (towers, arm length, radius) whose printer.cfg the server generates. A moderator
approves the submission on its review page, and the printer is in the catalog (source community) and in
the designer's list of printers to start from. Screenshots of the review page from a phone to a wall
screen, light and dark, with no horizontal overflow."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from klipperiwc_site.tests.browser.csp_watch import watch
from klipperiwc_site.tests.browser.layout import HEIGHTS, WIDTHS, assert_no_horizontal_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a-long-password-for-tests"
PEOPLE = """
from django.contrib.auth.models import Group, User
carla = User.objects.create_user("carla", password="a-long-password-for-tests")
carla.groups.add(Group.objects.get(name="contributors"))
User.objects.create_superuser("mona", password="a-long-password-for-tests")
"""


@pytest.fixture
def site(project_env, manage, start_daphne, tmp_path):
    env = project_env(
        APP_ENV="development",
        SECRET_KEY="browser-tests-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        BRIDGE_MODE="process",
    )
    for command in (("migrate", "--noinput"), ("sync_boards",), ("shell", "--no-imports", "-c", PEOPLE)):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stderr
    return start_daphne(env)


def sign_in(page, url: str, username: str, then: str) -> None:
    page.goto(f"{url}/accounts/sign-in?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}{then}*")


def api(url: str, path: str, definition: dict | None = None) -> bytes:
    data = json.dumps(definition).encode() if definition is not None else None
    request = urllib.request.Request(f"{url}{path}", data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.read()


def test_toolhead_submit_delta_and_approval(site, chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    refusals = watch(page)
    sign_in(page, site, "carla", "/printer-designer")
    page.wait_for_function("() => window.printerDesigner !== undefined")

    page.get_by_test_id("pd-template").select_option("corexy-octopus-ebb-can")
    expect(page.get_by_test_id("pd-status")).to_have_text("Valid: printer.cfg generated.")
    expect(page.get_by_test_id("pd-toolhead")).to_have_value("btt-ebb-can-v1.2")
    expect(page.get_by_test_id("slot-extruder-heater")).to_have_value("toolhead:E0")
    expect(page.get_by_test_id("slot-extruder-driver")).to_have_value("toolhead:DRIVER_E")
    expect(page.get_by_test_id("slot-bed-heater")).to_have_value("BED")
    # Both boards' connectors are offered, each under its board.
    heaters = page.get_by_test_id("slot-extruder-heater")
    expect(heaters.locator('optgroup[label="Main board"] option[value="HE0"]')).to_have_count(1)
    expect(heaters.locator('optgroup[label="Toolhead board"] option[value="toolhead:E0"]')).to_have_count(1)

    # The part fan moves from the main board to the toolhead's connector, picked on the toolhead board.
    page.get_by_test_id("slot-fans-part").select_option("FAN0")
    expect(page.get_by_test_id("pd-status")).to_have_text("Valid: printer.cfg generated.")
    page.get_by_test_id("pd-picture-board").select_option("toolhead")
    page.get_by_test_id("slot-fans-part").focus()
    page.get_by_test_id("pd-connectors").get_by_role("button", name="Fan (part cooling) · fan").click()
    expect(page.get_by_test_id("slot-fans-part")).to_have_value("toolhead:FAN_PART")
    expect(page.get_by_test_id("pd-status")).to_have_text("Valid: printer.cfg generated.")
    expect(page.get_by_test_id("pd-preview")).to_contain_text("[mcu EBBCan]")

    with page.expect_download() as download_info:
        page.get_by_test_id("pd-download").click()
    downloaded = download_info.value
    assert downloaded.suggested_filename == "corexy-octopus-ebb-can-custom.cfg"
    definition = page.evaluate("() => window.printerDesigner.buildDefinition()")
    assert definition["boards"]["toolhead"] == {"board": "btt-ebb-can-v1.2", "connection": "can"}
    assert definition["fans"]["part"] == {"board": "toolhead", "connector": "FAN_PART"}
    assert downloaded.path().read_bytes() == api(site, "/api/printers-catalog/printer.cfg", definition)
    downloaded_bytes = downloaded.path().read_bytes()  # gone with the context
    text = downloaded_bytes.decode()
    assert "canbus_uuid:" in text
    fan_section = text.split("[fan]", 1)[1].split("[", 1)[0]
    assert "pin: EBBCan:" in fan_section

    page.get_by_test_id("pd-submit").click()
    status = page.get_by_test_id("pd-submit-status")
    expect(status).to_contain_text("Submitted for review: corexy-octopus-ebb-can-custom, revision 1 (pending).")
    review_url = page.get_by_test_id("pd-review-link").get_attribute("href")
    assert review_url

    # The same form makes a delta: three towers, its geometry, and a round bed mesh.
    page.get_by_test_id("pd-kinematics").select_option("delta")
    expect(page.get_by_test_id("pd-delta")).to_be_visible()
    for tower, driver, stop in (("a", "DRIVER0", "X_STOP"), ("b", "DRIVER1", "Y_STOP"), ("c", "DRIVER2", "Z_STOP")):
        page.get_by_test_id(f"slot-{tower}-driver").select_option(driver)
        page.get_by_test_id(f"slot-{tower}-endstop").select_option(stop)
    page.get_by_test_id("pd-arm-length").fill("301.5")
    page.get_by_test_id("pd-delta-radius").fill("160")
    expect(page.get_by_test_id("pd-status")).to_have_text("Valid: printer.cfg generated.")
    preview = page.get_by_test_id("pd-preview")
    expect(preview).to_contain_text("kinematics: delta")
    expect(preview).to_contain_text("[stepper_c]")
    expect(preview).to_contain_text("arm_length: 301.5")
    expect(preview).to_contain_text("mesh_radius:")
    delta = page.evaluate("() => window.printerDesigner.buildDefinition()")
    assert set(delta["axes"]) == {"a", "b", "c"}
    assert delta["delta"]["arm_length"] == 301.5
    assert preview.text_content() == api(site, "/api/printers-catalog/printer.cfg", delta).decode()
    assert refusals.unexpected() == {"violations": [], "console": []}
    assert not errors, errors
    context.close()

    # A moderator approves it on its review page; the printer is in the catalog as the community's.
    moderator = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    review = moderator.new_page()
    review.set_default_timeout(15_000)
    path = review_url.split(site, 1)[-1]
    sign_in(review, site, "mona", path)
    expect(review.get_by_test_id("printer-cfg-preview")).to_contain_text("[mcu EBBCan]")
    review.get_by_role("button", name="Approve").click()
    expect(review.get_by_text("approved").first).to_be_visible()
    catalog = json.loads(api(site, "/api/printers-catalog/"))
    entry = next(p for p in catalog if p["id"] == "corexy-octopus-ebb-can-custom")
    assert entry["source"] == "community"
    assert entry["toolhead_board"] == "btt-ebb-can-v1.2"
    assert api(site, "/api/printers-catalog/corexy-octopus-ebb-can-custom/printer.cfg") == downloaded_bytes
    review.goto(f"{site}/printer-designer")
    expect(review.get_by_test_id("pd-template").locator('option[value="corexy-octopus-ebb-can-custom"]')).to_have_count(
        1
    )
    storage = moderator.storage_state()
    moderator.close()

    # The review page from a phone to a wall screen, light and dark.
    failures = []
    for theme in ("light", "dark"):
        for width in WIDTHS:
            context = chromium_browser.new_context(
                viewport={"width": width, "height": HEIGHTS[width]}, color_scheme=theme, storage_state=storage
            )
            shot = context.new_page()
            shot.goto(review_url)
            expect(shot.get_by_test_id("printer-cfg-preview")).to_contain_text("[mcu EBBCan]")
            try:
                assert_no_horizontal_overflow(shot, f"the printer review page at {width} px, {theme}")
            except AssertionError as exc:
                failures.append(str(exc))
            screenshot(shot, f"printer-review-{width}-{theme}")
            context.close()
    assert not failures, "\n\n".join(failures)
