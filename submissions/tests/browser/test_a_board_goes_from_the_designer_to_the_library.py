"""In Chromium, the whole community flow: a contributor draws a board on its picture in the designer and
submits it (a pin error first shows on its shape), a moderator reviews it in the admin and on the review
page and rejects it with a note, the contributor sees the note in "My submissions", opens it in the
designer and submits a revision; the moderator approves; the board is in /boards with its picture and
its connectors, and the file downloaded from the review page is the one a pull request would commit,
accepted by sync_boards. Screenshots of the library, the board page and the review page (light, dark,
phone, wall), with no horizontal overflow."""

from __future__ import annotations

import json
import shutil

import pytest
from playwright.sync_api import expect

from boards.tests.browser.conftest import board_png, drag, load_local_image, press_on_canvas, to_screen
from boards.validation import DEFINITIONS_DIR
from klipperiwc_site.tests.browser.csp_watch import watch
from klipperiwc_site.tests.browser.layout import HEIGHTS, WIDTHS, assert_no_horizontal_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZE = (800, 500)
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
        BOARD_ASSET_LOCAL_PATH=str(tmp_path / "assets"),
        BRIDGE_MODE="process",
    )
    for command in (("migrate", "--noinput"), ("sync_boards",), ("shell", "--no-imports", "-c", PEOPLE)):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stderr
    return start_daphne(env), env


def sign_in(page, url: str, username: str, then: str) -> None:
    page.goto(f"{url}/accounts/sign-in?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}{then}*")


def draw_board(page, tmp_path) -> None:
    page.wait_for_function("() => window.boardDesigner !== undefined && window.boardDesigner.rulesLoaded")
    page.get_by_test_id("board-name").fill("Acme Mini")
    page.get_by_test_id("board-manufacturer").fill("Acme Boards")
    page.get_by_test_id("board-revision").fill("V1")
    page.get_by_test_id("board-mcu-chip").fill("stm32g0b1")
    board_png(tmp_path / "acme.png", *SIZE)
    load_local_image(page, tmp_path / "acme.png", SIZE)
    press_on_canvas(page, "r")
    drag(page, to_screen(page, 100, 80, SIZE), to_screen(page, 300, 180, SIZE))
    page.get_by_test_id("connector-label").fill("FAN0")
    page.get_by_test_id("connector-kind").select_option("fan")
    page.get_by_test_id("add-pin").click()
    page.get_by_test_id("pin-value").first.fill("PC6")
    press_on_canvas(page, "c")
    drag(page, to_screen(page, 600, 300, SIZE), to_screen(page, 640, 300, SIZE))
    page.get_by_test_id("connector-label").fill("HE0")
    page.get_by_test_id("connector-kind").select_option("heater")
    page.get_by_test_id("add-pin").click()
    page.get_by_test_id("pin-value").first.fill("PA8")


def test_from_the_designer_through_review_to_the_library(site, chromium_browser, tmp_path, manage):
    url, env = site
    errors: list[str] = []
    contributor = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = contributor.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    refusals = watch(page)

    sign_in(page, url, "carla", "/board-designer")
    draw_board(page, tmp_path)
    # A duplicated MCU pin: the server refuses, and the problem shows on the shape.
    page.get_by_test_id("connector-item").filter(has_text="HE0").click()
    page.get_by_test_id("pin-value").first.fill("PC6")
    page.get_by_test_id("submit-for-review").click()
    expect(page.get_by_test_id("submit-status")).to_contain_text("Not submitted")
    expect(page.locator(".shape.has-error")).not_to_have_count(0)
    page.get_by_test_id("pin-value").first.fill("PA8")
    page.get_by_test_id("submit-for-review").click()
    expect(page.get_by_test_id("submit-status")).to_contain_text("Submitted for review: acme-mini-v1, revision 1")
    submission_id = page.get_by_test_id("submit-status").get_attribute("data-submission")

    moderator = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    mod = moderator.new_page()
    mod.set_default_timeout(15_000)
    mod.on("pageerror", lambda error: errors.append(str(error)))
    # The admin lists it; its review page is a click away.
    mod.goto(f"{url}/admin/login/?next=/admin/submissions/boardsubmission/")
    mod.fill("#id_username", "mona")
    mod.fill("#id_password", PASSWORD)
    mod.click("input[type=submit]")
    expect(mod.locator("#result_list")).to_contain_text("acme-mini-v1")
    mod.get_by_role("link", name="acme-mini-v1").click()
    mod.get_by_role("link", name="picture, pins, validation and diff").click()
    expect(mod.get_by_test_id("validation")).to_contain_text("Valid")
    expect(mod.get_by_test_id("diff-new")).to_be_visible()
    expect(mod.get_by_test_id("board-shapes").locator(".shape")).to_have_count(2)
    mod.locator("svg .shape").first.click()
    expect(mod.get_by_test_id("pin-table")).to_contain_text("PC6")
    expect(mod.get_by_test_id("pin-table")).to_contain_text("FAN0_1")
    mod.get_by_test_id("reject-notes").fill("Please add the board's sources.")
    mod.get_by_test_id("reject").click()
    expect(mod.get_by_test_id("submission-state")).to_have_text("rejected")

    # The contributor reads the note and revises in the designer.
    page.goto(f"{url}/submissions")
    expect(page.get_by_test_id("submission-notes")).to_contain_text("Please add the board's sources.")
    page.get_by_test_id("revise").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("your submission")
    expect(page.get_by_test_id("shape")).to_have_count(2)
    page.get_by_test_id("board-name").fill("Acme Mini")  # unchanged name, new revision
    page.get_by_test_id("submit-for-review").click()
    expect(page.get_by_test_id("submit-status")).to_contain_text("revision 2")

    mod.goto(f"{url}/submissions/{submission_id}")
    expect(mod.get_by_test_id("revisions")).to_contain_text("Revision 1: rejected")
    with mod.expect_download() as download_info:
        mod.get_by_test_id("download-file").click()
    downloaded = download_info.value
    assert downloaded.suggested_filename == "acme-mini-v1.json"
    committed = downloaded.path().read_bytes()
    mod.get_by_test_id("approve").click()
    expect(mod.get_by_test_id("submission-state")).to_have_text("approved")

    # In the library, with its picture; its page draws the connectors and lists their pins.
    page.goto(f"{url}/boards?source=community")
    card = page.get_by_test_id("board-card").filter(has_text="Acme Mini")
    expect(card).to_have_count(1)
    expect(card.locator("img")).to_be_visible()
    card.get_by_role("link").click()
    expect(page.get_by_test_id("board-source")).to_have_text("community")
    expect(page.get_by_test_id("submitted-by")).to_have_text("carla")
    expect(page.get_by_test_id("board-shapes").locator(".shape")).to_have_count(2)
    page.locator("svg .shape").nth(1).hover()
    expect(page.get_by_test_id("pin-table")).to_contain_text("PA8")
    with page.expect_download() as library_download:
        page.get_by_test_id("download-definition").click()
    assert library_download.value.path().read_bytes() == committed

    definition = json.loads(committed)
    assert definition["$schema"] == "../../schema/board-definition.v1.json"
    assert definition["images"][0]["file"].startswith("board-asset:")
    repository = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, repository)
    (repository / "acme-boards").mkdir()
    (repository / "acme-boards" / "acme-mini-v1.json").write_bytes(committed)
    synced = manage("sync_boards", "--dir", str(repository), env=env)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert "acme-boards/acme-mini-v1.json: updated" in synced.stdout

    unexpected = refusals.unexpected()
    assert unexpected == {"violations": [], "console": []}, unexpected
    assert not errors, errors

    failures = []
    for theme in ("light", "dark"):
        for width in WIDTHS:
            context = chromium_browser.new_context(
                viewport={"width": width, "height": HEIGHTS[width]}, color_scheme=theme
            )
            shot = context.new_page()
            sign_in(shot, url, "mona", f"/submissions/{submission_id}")
            for path, name in (
                ("/boards", "library"),
                ("/boards/acme-mini-v1", "board-page"),
                (f"/submissions/{submission_id}", "review"),
            ):
                shot.goto(f"{url}{path}")
                shot.wait_for_load_state("networkidle")
                try:
                    assert_no_horizontal_overflow(shot, f"{path} at {width} px, {theme}")
                except AssertionError as exc:
                    failures.append(str(exc))
                screenshot(shot, f"{name}-{width}-{theme}")
            context.close()
    assert not failures, "\n\n".join(failures)
