"""A burst of /ws/status connects reads the printers once or twice, not once per client (status/first_messages.py).

Per client, the printers' newest statuses were read on the process's one database thread:
1,000 clients at once queued there past daphne's handshake timeout (bench/RESULTS.md, soak).
"""

import asyncio
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from klipperiwc_site.asgi import application
from status import first_messages
from status.models import Printer
from status.services import status_capture

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.asyncio]

CLIENTS = 60


async def test_sixty_clients_connecting_at_once_share_the_reads_and_each_gets_every_printer(monkeypatch):
    await Printer.objects.acreate(slug="second", name="Second")
    demo = await Printer.objects.aget(slug="demo")
    await database_sync_to_async(status_capture)(printer=demo)
    reads = []

    def counted_read():
        reads.append(1)
        return first_messages.read_first_messages()

    monkeypatch.setattr(first_messages.first_messages, "_read", database_sync_to_async(counted_read))

    clients = [WebsocketCommunicator(application, "/ws/status") for _ in range(CLIENTS)]
    connected = await asyncio.gather(*(client.connect(timeout=10) for client in clients))
    assert all(accepted for accepted, _ in connected)
    for client in clients:
        first = [await client.receive_json_from(timeout=5) for _ in range(3)]
        assert [(m["type"], m["printer"]) for m in first][:1] == [("status", "demo")]
        assert sorted((m["type"], m["printer"]) for m in first[1:]) == [
            ("connection", "demo"),
            ("connection", "second"),
        ]
        assert await client.receive_nothing(timeout=0.01)
    # One read for the first client; the others joined while it ran and share the next one.
    assert 1 <= len(reads) <= 3, len(reads)
    await asyncio.gather(*(client.disconnect() for client in clients))


async def test_a_client_that_joined_after_a_read_began_waits_for_a_newer_one():
    began = asyncio.Event()
    release = asyncio.Event()
    answers = iter(["read before the client joined", "read after it joined"])

    async def read():
        began.set()
        await release.wait()
        return next(answers)

    shared = first_messages.SharedRead(lambda: None)
    shared._read = read  # the database thread plays no part in which run a caller gets
    early = asyncio.create_task(shared.began_after(0.0))
    await began.wait()
    joined = time.monotonic()
    late = asyncio.create_task(shared.began_after(joined))
    await asyncio.sleep(0)
    release.set()
    assert await early == "read before the client joined"
    # A status stored while the first read ran may be missing from it, and the late
    # client joined its groups too late to get it as a broadcast: it needs the newer read.
    assert await late == "read after it joined"
    # A third caller that joined before the newer read began shares it.
    assert await shared.began_after(joined) == "read after it joined"


async def test_a_failed_read_reaches_its_callers_and_the_next_caller_reads_again():
    calls = []

    async def read():
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("database away")
        return "fine"

    shared = first_messages.SharedRead(lambda: None)
    shared._read = read
    moment = time.monotonic()
    results = await asyncio.gather(shared.began_after(moment), shared.began_after(moment), return_exceptions=True)
    assert [type(result) for result in results] == [ConnectionError, ConnectionError]
    assert await shared.began_after(time.monotonic()) == "fine"
    assert len(calls) == 2
