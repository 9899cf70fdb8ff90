"""A client that connects while snapshots are stored gets each seq at most once, in increasing order.

The consumer registers with its process's status fan-out, then reads the newest
stored status. The test stores snapshots exactly between those two steps (their
broadcasts wait in the consumer's outbox), so the race is played every time, not by luck.
"""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from klipperiwc_site.asgi import application
from status.fanout import StatusFanout
from status.models import Printer
from status.payloads import status_seq
from status.services import status_capture

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def _store_every_capture(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 0


async def capture(slug="demo") -> int:
    printer = await Printer.objects.aget(slug=slug)
    return status_seq((await database_sync_to_async(status_capture)(printer=printer)).status.updated_at)


@pytest.fixture
def store_while_joining(monkeypatch):
    """Make the next connecting client store ``count`` snapshots right after it registered with the fan-out."""
    stored: list[int] = []

    def arm(count: int, slug: str = "demo"):
        original = StatusFanout.register

        async def register_then_store(self, consumer):
            await original(self, consumer)
            if not stored:
                for _ in range(count):
                    stored.append(await capture(slug))

        monkeypatch.setattr(StatusFanout, "register", register_then_store)
        return stored

    return arm


async def received_seqs(client, until_seq: int) -> list[int]:
    seqs: list[int] = []
    while not seqs or seqs[-1] < until_seq:
        message = await client.receive_json_from(timeout=5)
        if message["type"] == "connection":  # each followed printer's, after the initial statuses
            continue
        assert message["type"] == "status", message
        seqs.append(message["seq"])
    return seqs


@pytest.mark.parametrize("path", ["/ws/status", "/ws/status?printer=demo"])
async def test_a_snapshot_stored_while_connecting_arrives_once(store_while_joining, path):
    stored = store_while_joining(1)
    client = WebsocketCommunicator(application, path)
    assert (await client.connect())[0]
    initial = await client.receive_json_from(timeout=5)
    assert initial["seq"] == stored[0]

    later = await capture()

    # The broadcast of stored[0] came before the one of `later` in the channel: it was dropped.
    assert await received_seqs(client, later) == [later]
    assert await client.receive_nothing(timeout=0.2)
    await client.disconnect()


async def test_older_broadcasts_queued_behind_a_newer_initial_status_are_dropped(store_while_joining):
    stored = store_while_joining(3)
    client = WebsocketCommunicator(application, "/ws/status")
    assert (await client.connect())[0]
    assert (await client.receive_json_from(timeout=5))["seq"] == stored[-1]

    later = await capture()

    assert await received_seqs(client, later) == [later]
    await client.disconnect()


async def test_each_printer_keeps_its_own_order(store_while_joining):
    await Printer.objects.acreate(slug="other", name="Other", source_config={"seed": 1})
    other_before = await capture("other")
    stored = store_while_joining(1, "demo")
    client = WebsocketCommunicator(application, "/ws/status")
    assert (await client.connect())[0]
    initial = {}
    for _ in range(2):
        message = await client.receive_json_from(timeout=5)
        initial[message["printer"]] = message["seq"]
    assert initial == {"demo": stored[0], "other": other_before}

    other_after = await capture("other")
    demo_after = await capture("demo")

    assert {(await client.receive_json_from(timeout=5))["type"] for _ in range(2)} == {"connection"}
    live = [await client.receive_json_from(timeout=5) for _ in range(2)]
    assert [(m["printer"], m["seq"]) for m in live] == [("other", other_after), ("demo", demo_after)]
    await client.disconnect()
