"""GET .../console: the bridge's copy of the printer's G-code responses, newest last, ?limit=1..500."""

from datetime import timedelta

import pytest

from control.tests.conftest import audit_rows
from status.console import console_append
from status.tests.factories import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(fake_moonraker, moonraker_row):
    printer = moonraker_row(fake_moonraker.url)
    console_append(printer_id=printer.pk, lines=[(T0 + timedelta(seconds=n), f"line {n}") for n in range(80)])
    return printer


def test_it_answers_the_newest_fifty_newest_last(control, lines, fake_moonraker):
    response = control.get("voron", "console")

    assert response.status_code == 200
    entries = response.json()
    assert [e["line"] for e in entries] == [f"line {n}" for n in range(30, 80)]
    assert entries[-1]["at"] == "2026-11-01T12:01:19+00:00"
    # A read of the hub's copy: no request to the printer, no audit row.
    assert fake_moonraker.requests == []
    assert audit_rows() == []


def test_limit_picks_how_many(control, lines):
    assert [e["line"] for e in control.get("voron", "console", limit=3).json()] == ["line 77", "line 78", "line 79"]
    assert len(control.get("voron", "console", limit=500).json()) == 80


@pytest.mark.parametrize("limit", ["0", "501", "-1", "ten", "1.5"])
def test_a_limit_out_of_range_is_a_400_naming_it(control, lines, limit):
    response = control.get("voron", "console", limit=limit)

    assert response.status_code == 400
    assert "limit" in response.json()


def test_a_printer_without_lines_has_an_empty_console(control):
    assert control.get("demo", "console").json() == []


def test_an_unknown_printer_is_a_404(control):
    assert control.get("nope", "console").status_code == 404
