"""/boards/<id>: the overlay data (each connector's pins, MCU pins and Klipper aliases), the drivers table,
the klipper.cfg download and "open in the designer"; unknown ids are a 404."""

import io
import json
import re

import pytest
from django.core.management import call_command

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
