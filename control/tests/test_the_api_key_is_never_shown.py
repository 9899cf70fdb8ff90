"""The printer's Moonraker API key goes in the X-Api-Key header only: never in an answer, an audit row or a log line."""

import logging
import socket

import pytest

from control.tests.conftest import API_KEY, Answer
from status.models import PrinterAction

pytestmark = pytest.mark.django_db


def test_no_answer_row_or_log_line_holds_the_key(control, fake_moonraker, moonraker_row, settings, caplog):
    settings.PRINTER_REQUEST_TIMEOUT_SECONDS = 0.2
    caplog.set_level(logging.DEBUG)
    fake_moonraker.error("POST", "/printer/print/pause", 401, "Unauthorized")
    fake_moonraker.answer("POST", "/printer/print/resume", Answer(hold=True))
    fake_moonraker.answer("POST", "/printer/print/cancel", Answer(500, b"boom"))
    moonraker_row(fake_moonraker.url)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    moonraker_row(f"http://127.0.0.1:{port}", slug="gone")

    answers = [
        control.post("voron", "actions/pause"),
        control.post("voron", "actions/resume"),
        control.post("voron", "actions/cancel"),
        control.post("voron", "gcode", {"script": "M115"}),
        control.post("gone", "actions/pause"),
    ]

    assert [a.status_code for a in answers] == [409, 504, 502, 200, 409]
    for answer in answers:
        assert API_KEY not in answer.content.decode()
    for row in PrinterAction.objects.all():
        assert API_KEY not in f"{row.arguments} {row.detail}"
    assert API_KEY not in caplog.text
    assert fake_moonraker.requests[0].headers["x-api-key"] == API_KEY
