"""/boards/<id>: the overlay data (each connector's pins, MCU pins and Klipper aliases), the drivers table,
the klipper.cfg download and "open in the designer"; unknown ids are a 404."""

import io
import json
import re

import pytest
from django.core.management import call_command

from accounts.tests.conftest import person  # noqa: F401 (the fixture)
from assets.tests.conftest import asset_storage_dir  # noqa: F401 (its local asset folder, autouse)

pytestmark = pytest.mark.django_db


def overlay_of(page: str) -> dict:
    found = re.search(r'<script id="board-overlay" type="application/json">(.*?)</script>', page, re.S)
    assert found, "no overlay data on the page"
    return json.loads(found.group(1))


def test_the_page_holds_every_connector_with_its_pins_and_aliases(client):
    call_command("sync_boards", stdout=io.StringIO())

    page = client.get("/boards/btt-skr-pico-v1.0").content.decode()
    overlay = overlay_of(page)

    heater = next(c for c in overlay["connectors"] if c["id"] == "HEATER_E")
    assert heater["pins"][0]["mcu_pin"] == "gpio23"
    assert heater["pins"][0]["alias"] == f"HEATER_E_{heater['pins'][0]['number']}"
    motor = next(c for c in overlay["connectors"] if c["id"] == "MOTOR_X")
    assert motor["drivers"] == ["DRIVER_X"]
    assert 'data-testid="drivers"' in page
    assert "gpio11" in page
    assert 'href="/api/boards/btt-skr-pico-v1.0/klipper.cfg"' in page
    assert 'href="/board-designer?board=btt-skr-pico-v1.0"' in page
    assert overlay["picture"] is None
    assert 'data-testid="no-picture"' in page


def test_an_unknown_board_is_a_404(client):
    assert client.get("/boards/no-such-board").status_code == 404
    assert client.get("/boards/no-such-board/file").status_code == 404


def test_a_picture_rejected_after_approval_is_no_longer_shown(client, person):  # noqa: F811
    from assets.services import asset_moderate
    from submissions.models import BoardSubmission
    from submissions.services import submission_approve
    from submissions.tests.conftest import new_board, picture, submit, with_shapes

    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit(client, with_shapes(new_board()), with_picture=picture(), headers=carla.bearer)
    submission_approve(submission=BoardSubmission.objects.get(), moderator=mona.user)
    shown = overlay_of(client.get("/boards/acme-mini-v1").content.decode())["picture"]

    board_picture = BoardSubmission.objects.get().revisions.get().picture
    asset_moderate(asset=board_picture, status="rejected", reviewer="mona", notes="Not this board.")
    after = client.get("/boards/acme-mini-v1").content.decode()

    assert shown is not None
    assert overlay_of(after)["picture"] is None
    assert "/api/board-assets/" not in client.get("/boards?source=community").content.decode()
