"""What Moonraker answers (or does not) becomes 409, 502 or 504 with its message, each recorded with its outcome."""

import socket
import time

import pytest

from control.tests.conftest import API_KEY, Answer, audit_rows

pytestmark = pytest.mark.django_db


def outcome():
    [row] = audit_rows()
    return row["outcome"], row["status_code"]


@pytest.mark.parametrize(
    ("status", "message"),
    [(400, "Print is not in progress"), (404, "File not found"), (503, "Klippy Host not connected")],
)
def test_moonraker_refusing_is_a_409_with_its_message(control, fake_moonraker, moonraker_row, status, message):
    fake_moonraker.error("POST", "/printer/print/cancel", status, message)
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "actions/cancel")

    assert response.status_code == 409
    assert message in response.json()["detail"]
    assert outcome() == ("failed", 409)
    assert message in audit_rows()[0]["detail"]


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_api_key_is_a_409_that_says_so_without_the_key(control, fake_moonraker, moonraker_row, status):
    fake_moonraker.error("POST", "/printer/print/pause", status, "Unauthorized")
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "actions/pause")

    assert response.status_code == 409
    assert "refused the printer's API key" in response.json()["detail"]
    assert API_KEY not in response.content.decode()
    assert API_KEY not in audit_rows()[0]["detail"]


@pytest.mark.parametrize(
    "answer",
    [
        Answer(500, {"error": {"code": 500, "message": "Internal Server Error"}}),
        Answer(502, b"<html>bad gateway</html>"),
        Answer(503, b"Service Unavailable"),
        Answer(200, b"this is not json"),
    ],
    ids=["500", "502-html", "503-without-moonraker-error", "200-not-json"],
)
def test_moonraker_failing_or_answering_nonsense_is_a_502(control, fake_moonraker, moonraker_row, answer):
    fake_moonraker.answer("POST", "/printer/emergency_stop", answer)
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "actions/emergency-stop")

    assert response.status_code == 502
    assert fake_moonraker.url in response.json()["detail"]
    assert outcome() == ("failed", 502)


def test_moonraker_500_message_is_passed_on(control, fake_moonraker, moonraker_row):
    fake_moonraker.error("POST", "/printer/restart", 500, "Something broke inside")
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "actions/restart")

    assert response.status_code == 502
    assert "Something broke inside" in response.json()["detail"]


def test_moonraker_too_slow_is_a_504_after_the_request_timeout(control, fake_moonraker, moonraker_row, settings):
    settings.PRINTER_REQUEST_TIMEOUT_SECONDS = 0.3
    fake_moonraker.answer("POST", "/printer/print/resume", Answer(hold=True))
    moonraker_row(fake_moonraker.url)

    started = time.monotonic()
    response = control.post("voron", "actions/resume")
    took = time.monotonic() - started

    assert response.status_code == 504
    assert "did not answer" in response.json()["detail"]
    assert "PRINTER_REQUEST_TIMEOUT_SECONDS" in response.json()["detail"]
    assert 0.3 <= took < 3
    assert outcome() == ("timeout", 504)


def test_a_refused_connection_is_a_409_offline(control, moonraker_row):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    moonraker_row(f"http://127.0.0.1:{port}")

    response = control.post("voron", "actions/pause")

    assert response.status_code == 409
    assert "offline" in response.json()["detail"]
    assert "not reachable" in response.json()["detail"]
    assert outcome() == ("failed", 409)
