"""A /ws/status consumer closed because Redis went away runs its clean-up: the process's status fan-out
(status/fanout.py), which renews its membership, ends with its last consumer."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection

from klipperiwc_site.asgi import application
from status.models import Printer
from status.services import status_capture

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.asyncio, pytest.mark.slow]


def renewals() -> list[asyncio.Task]:
    return [task for task in asyncio.all_tasks() if "StatusFanout._renew" in repr(task.get_coro())]


async def test_the_renewal_task_ends_with_the_socket(redis_layer):
    await database_sync_to_async(lambda: status_capture(printer=Printer.objects.get(slug="demo")))()
    client = WebsocketCommunicator(application, "/ws/status")
    connected, _ = await client.connect(timeout=10)
    assert connected
    assert (await client.receive_json_from(timeout=5))["type"] == "status"
    assert (await client.receive_json_from(timeout=5))["type"] == "connection"
    assert len(renewals()) == 1

    redis_layer.stop()
    error = await client.receive_json_from(timeout=15)
    assert error["type"] == "error"
    assert "unavailable" in error["detail"]
    closed = await client.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4503}
    await client.wait(timeout=5)
    for _ in range(100):  # the cancelled fan-out and its renewal finish within a few loop turns
        if not renewals():
            break
        await asyncio.sleep(0.01)
    assert renewals() == []
    # The consumer's database thread keeps its connection (as in production);
    # the test database can only be dropped once it is closed.
    await sync_to_async(lambda: connection.close())()
