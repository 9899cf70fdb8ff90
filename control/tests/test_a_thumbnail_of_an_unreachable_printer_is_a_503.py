"""Without a copy here, a printer that cannot be asked is a 503 naming it and why (never a 500), and nothing is
kept: the next request asks again."""

import socket

import pytest

from control.models import PrinterThumbnail
from control.tests.conftest import Answer

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_printer_is_a_503_naming_it(client, moonraker_row):
    moonraker_row(f"http://127.0.0.1:{closed_port()}")

    response = client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"})

    assert response.status_code == 503
    detail = response.json()["detail"]
    assert "'voron'" in detail
    assert "not reachable" in detail
    assert not PrinterThumbnail.objects.exists()


def test_a_printer_the_bridge_finds_unreachable_is_not_asked(client, fake_moonraker, moonraker_row):
    moonraker_row(fake_moonraker.url, state="unreachable", message="connection refused")

    response = client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"})

    assert response.status_code == 503
    assert response.json()["detail"] == "Printer 'voron' is offline [unreachable]: connection refused."
    assert fake_moonraker.requests == []


def test_a_refused_api_key_is_a_503(client, fake_moonraker, moonraker_row):
    fake_moonraker.answer("GET", "/server/files/metadata", Answer(401, {"error": {"code": 401, "message": "Unauth"}}))
    moonraker_row(fake_moonraker.url)

    response = client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"})

    assert response.status_code == 503
    assert "refused the printer's API key" in response.json()["detail"]
    assert not PrinterThumbnail.objects.exists()


def test_a_failing_moonraker_is_a_503(client, fake_moonraker, moonraker_row):
    fake_moonraker.answer("GET", "/server/files/metadata", Answer(500, b"<html>oops</html>"))
    moonraker_row(fake_moonraker.url)

    response = client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"})

    assert response.status_code == 503
    assert "'voron'" in response.json()["detail"]
