"""Text a user types (or a server echoes back) is shown as text: no element is created, no script runs."""

import pytest
from playwright.sync_api import expect

from boards.tests.browser.conftest import board_png, drag, load_local_image, to_screen

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LABEL = "<img src=x onerror=alert(1)>"
PIN = "<img src=x onerror=alert(2)>"
SIZE = (400, 300)


def assert_shown_as_text(page, dialogs):
    page.wait_for_timeout(300)  # time for a broken image's onerror to fire, if one had been created
    expect(page.get_by_test_id("shape-label")).to_have_text([LABEL])
    expect(page.get_by_test_id("connector-item-label")).to_have_text([LABEL])
    assert page.locator("img[src='x']").count() == 0
    # no approved assets are listed here (the site header's logo is outside the designer)
    assert page.locator("#designer img:not([data-testid=background-preview])").count() == 0
    assert page.locator("svg image").count() == 1  # the board image itself
    assert dialogs == []


def test_designer_shows_html_in_labels_as_text(designer, tmp_path):
    page = designer
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    board_png(tmp_path / "board.png", *SIZE)
    load_local_image(page, tmp_path / "board.png", SIZE)

    page.get_by_test_id("tool-rect").click()
    drag(page, to_screen(page, 40, 40, SIZE), to_screen(page, 200, 120, SIZE))
    page.get_by_test_id("connector-label").fill(LABEL)
    page.get_by_test_id("board-name").fill(LABEL)
    page.get_by_test_id("add-pin").click()
    page.get_by_test_id("pin-value").fill(PIN)
    # The in-browser check and the server both quote the bad value back.
    expect(page.get_by_test_id("pin-error")).to_contain_text("<img src=x")
    page.get_by_test_id("export-definition").click()
    expect(page.get_by_test_id("validation-status")).to_contain_text("Not valid")
    expect(page.get_by_test_id("validation-error").filter(has_text="<img src=x onerror=alert(2)>")).not_to_have_count(0)
    expect(page.get_by_test_id("pin-error")).to_contain_text("Server: ")  # the server's error lands on the pin row
    expect(page.get_by_test_id("connector-id")).to_have_value("IMG_SRC_X_ONERROR_ALERT_1")
    assert_shown_as_text(page, dialogs)

    page.reload()  # restored from localStorage: still text
    page.wait_for_function("() => window.boardDesigner !== undefined")
    expect(page.get_by_test_id("board-name")).to_have_value(LABEL)
    assert_shown_as_text(page, dialogs)
