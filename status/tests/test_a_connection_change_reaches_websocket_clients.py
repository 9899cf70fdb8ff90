"""A printer's connection change, once stored, reaches the /ws/status clients following that printer.

The bridge's queued writes store the change on their thread, then broadcast it from the event loop;
other writers (sync code) broadcast after commit. A new client gets one connection message per
followed printer after the statuses, as GET /api/printers/ shows the connection.
"""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from klipperiwc_site.api import iso_utc
from klipperiwc_site.asgi import application
from status.bridge import runner
from status.bridge.runner import Bridge
from status.models import Printer, PrinterConnection
from status.services import printer_connection_set, status_capture

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.asyncio]


async def connect(path):
    client = WebsocketCommunicator(application, path)
    assert (await client.connect())[0]
    return client


@pytest.fixture
def bridge():
    bridge = Bridge(holder="bridge-under-test")
    yield bridge
    for thread in (bridge.lease_thread, bridge.misc_thread, bridge.store_thread):
        thread.shutdown()


async def test_a_change_the_bridge_stored_reaches_its_printers_followers_only(bridge):
    demo = await Printer.objects.aget(slug="demo")
    await Printer.objects.acreate(slug="other", name="Other")
    follower = await connect("/ws/status?printer=demo")
    bystander = await connect("/ws/status?printer=other")
    for client in (follower, bystander):  # the connection each printer had when the client came
        assert (await client.receive_json_from(timeout=5))["connection"]["state"] == "connecting"

    sink = runner.PrinterSink(bridge, demo)
    await sink.connection("unreachable", "Moonraker unreachable: connection refused")
    await bridge.writes.flush()

    message = await follower.receive_json_from(timeout=5)
    stored = await PrinterConnection.objects.aget(printer=demo)
    assert stored.state == "unreachable"
    assert message == {
        "type": "connection",
        "printer": "demo",
        "connection": {
            "state": "unreachable",
            "message": "Moonraker unreachable: connection refused",
            "since": iso_utc(stored.since),
        },
    }
    assert await bystander.receive_nothing(timeout=0.3)

    # A follower started again (the printer was edited) that reports the same is no news.
    again = runner.PrinterSink(bridge, demo)
    await again.connection("unreachable", "Moonraker unreachable: connection refused")
    await bridge.writes.flush()
    assert await follower.receive_nothing(timeout=0.3)

    await again.connection("connected", "")
    await bridge.writes.flush()
    assert (await follower.receive_json_from(timeout=5))["connection"]["state"] == "connected"
    for client in (follower, bystander):
        await client.disconnect()


async def test_a_change_the_database_did_not_take_is_broadcast_once_it_is_stored(bridge, monkeypatch):
    from django.db import OperationalError

    demo = await Printer.objects.aget(slug="demo")
    real = runner.printer_connection_set
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        real(**kwargs)

    monkeypatch.setattr(runner, "printer_connection_set", flaky)
    bridge.followers[demo.pk] = object()
    client = await connect("/ws/status?printer=demo")
    await client.receive_json_from(timeout=5)  # the initial connection message

    await runner.PrinterSink(bridge, demo).connection("auth_failed", "Invalid API Key")
    await bridge.writes.flush()
    assert await client.receive_nothing(timeout=0.3)  # not stored: not announced
    await bridge.writes.flush()
    assert (await client.receive_json_from(timeout=5))["connection"]["state"] == "auth_failed"
    assert all(call["broadcast"] is False for call in calls)  # the bridge broadcasts itself, from its loop
    await client.disconnect()


async def test_a_change_written_from_sync_code_is_broadcast_after_commit():
    demo = await Printer.objects.aget(slug="demo")
    client = await connect("/ws/status")
    await client.receive_json_from(timeout=5)

    def write_then_roll_back():
        with transaction.atomic():
            printer_connection_set(printer_id=demo.pk, state="unreachable", message="gone", bridge="")
            transaction.set_rollback(True)

    await database_sync_to_async(write_then_roll_back)()
    assert await client.receive_nothing(timeout=0.3)
    await database_sync_to_async(printer_connection_set)(
        printer_id=demo.pk, state="klippy_not_ready", message="Klippy is starting up", bridge=""
    )
    message = await client.receive_json_from(timeout=5)
    assert (message["printer"], message["connection"]["state"]) == ("demo", "klippy_not_ready")
    await client.disconnect()


async def test_a_new_client_gets_each_printers_connection_after_the_statuses():
    demo = await Printer.objects.aget(slug="demo")
    other = await Printer.objects.acreate(slug="other", name="Other")
    await database_sync_to_async(status_capture)(printer=demo)
    await database_sync_to_async(printer_connection_set)(
        printer_id=other.pk, state="auth_failed", message="Invalid API Key", bridge="", broadcast=False
    )
    client = await connect("/ws/status")

    messages = [await client.receive_json_from(timeout=5) for _ in range(3)]
    assert [(m["type"], m["printer"]) for m in messages] == [
        ("status", "demo"),
        ("connection", "demo"),
        ("connection", "other"),
    ]
    # As GET /api/printers/ shows them: the demo waits for a bridge, the other's key was refused.
    assert messages[1]["connection"]["state"] == "connecting"
    assert messages[1]["connection"]["message"] == "Waiting for the bridge"
    stored = await PrinterConnection.objects.aget(printer=other)
    assert messages[2]["connection"] == {
        "state": "auth_failed",
        "message": "Invalid API Key",
        "since": iso_utc(stored.since),
    }
    assert await client.receive_nothing(timeout=0.3)
    await client.disconnect()
