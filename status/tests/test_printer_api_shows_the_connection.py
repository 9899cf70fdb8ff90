"""Each printer in GET /api/printers/ and GET /api/printers/{slug} carries its connection.

{state, message, since, bridge}: bridge names the bridge following the printer, "" while none does.
"""

from datetime import UTC, datetime

import pytest
from django.test import Client

from status import printer_services
from status.models import BridgeProcess, ConnectionState, Printer, PrinterConnection
from status.printer_selectors import live_bridges_forget

pytestmark = pytest.mark.django_db
SINCE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def shown(slug: str) -> tuple[dict, dict]:
    """The connection of the printer in the list and in its own answer."""
    listed = next(p for p in Client().get("/api/printers/").json()["results"] if p["slug"] == slug)
    alone = Client().get(f"/api/printers/{slug}").json()
    return listed["connection"], alone["connection"]


def bridge_alive(holder: str) -> None:
    now = datetime.now(UTC)
    BridgeProcess.objects.create(holder=holder, started_at=now, seen_at=now)
    live_bridges_forget()


def test_a_printer_the_bridge_has_not_reported_is_connecting():
    printer = Printer.objects.get(slug="demo")

    listed, alone = shown("demo")

    assert (
        listed
        == alone
        == {
            "state": "connecting",
            "message": "Waiting for the bridge",
            "since": printer.updated_at.astimezone(UTC).isoformat(),
            "bridge": "",
        }
    )


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (ConnectionState.CONNECTED, ""),
        (ConnectionState.UNREACHABLE, "Connection refused by 127.0.0.1:7125"),
        (ConnectionState.AUTH_FAILED, "Moonraker answered 401: the API key is wrong"),
        (ConnectionState.KLIPPY_NOT_READY, "klippy is in startup"),
    ],
)
def test_it_shows_what_the_bridge_wrote(state, message):
    bridge_alive("host-a:4711:9f3c")
    PrinterConnection.objects.create(
        printer=Printer.objects.get(slug="demo"), state=state, message=message, since=SINCE, bridge="host-a:4711:9f3c"
    )

    listed, alone = shown("demo")

    assert (
        listed
        == alone
        == {"state": state, "message": message, "since": "2026-11-30T08:00:00+00:00", "bridge": "host-a:4711:9f3c"}
    )


def test_a_disabled_printer_is_disabled_whatever_the_bridge_last_wrote():
    printer = Printer.objects.get(slug="demo")
    PrinterConnection.objects.create(printer=printer, state=ConnectionState.CONNECTED, since=SINCE, bridge="b-1")
    printer_services.printer_update(printer=printer, enabled=False)

    listed, alone = shown("demo")

    assert listed == alone
    assert listed["state"] == "disabled"
    assert listed["message"] == "The printer is disabled."
    assert listed["bridge"] == ""  # no bridge follows a disabled printer


def test_enabled_again_it_waits_for_the_bridge_until_it_reports():
    printer = Printer.objects.get(slug="demo")
    PrinterConnection.objects.create(printer=printer, state=ConnectionState.DISABLED, since=SINCE, bridge="b-1")

    assert {k: shown("demo")[0][k] for k in ("state", "bridge")} == {"state": "connecting", "bridge": ""}

    bridge_alive("b-2")
    PrinterConnection.objects.filter(printer=printer).update(state=ConnectionState.CONNECTED, bridge="b-2")
    assert {k: shown("demo")[0][k] for k in ("state", "bridge")} == {"state": "connected", "bridge": "b-2"}


def test_a_bridge_that_stopped_beating_is_no_longer_connected():
    printer = Printer.objects.get(slug="demo")
    PrinterConnection.objects.create(printer=printer, state=ConnectionState.CONNECTED, since=SINCE, bridge="gone-1")
    BridgeProcess.objects.create(holder="gone-1", started_at=SINCE, seen_at=SINCE)  # last seen long ago

    listed, alone = shown("demo")

    assert listed == alone
    assert (listed["state"], listed["bridge"]) == ("connecting", "")
    assert "gone-1" in listed["message"]


def test_the_list_reads_connections_in_one_query(django_assert_max_num_queries):
    for n in range(5):
        printer = printer_services.printer_create(slug=f"p{n}", name=f"P{n}", source_kind="demo")
        PrinterConnection.objects.create(printer=printer, state=ConnectionState.CONNECTED, since=SINCE)

    with django_assert_max_num_queries(3):  # count, page (with state and connection)
        body = Client().get("/api/printers/").json()

    assert [p["connection"]["state"] for p in body["results"] if p["slug"].startswith("p")] == ["connected"] * 5
