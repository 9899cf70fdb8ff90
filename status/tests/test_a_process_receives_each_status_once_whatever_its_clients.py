"""A process's /ws/status clients share one member of the status group (status/fanout.py).

Per-client members made a broadcast one channel-layer message per client (with Redis a
serialisation, a Lua key and a pop each): the soak (bench/soak.py) got under a quarter of
the statuses out at 1,000 clients.
"""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connection

from klipperiwc_site.asgi import application
from status.broadcast import STATUS_GROUP, status_batch_event, status_send_many

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.asyncio, pytest.mark.slow]

CLIENTS = 30


async def group_members() -> int:
    layer = get_channel_layer()
    async with layer.connection(layer.consistent_hash(STATUS_GROUP)) as redis:
        return await redis.zcard(layer._group_key(STATUS_GROUP))


async def test_thirty_clients_are_one_group_member_and_each_gets_every_status(redis_layer):
    clients = [WebsocketCommunicator(application, "/ws/status") for _ in range(CLIENTS)]
    assert all(accepted for accepted, _ in await asyncio.gather(*(client.connect(timeout=10) for client in clients)))
    for client in clients:
        assert (await client.receive_json_from(timeout=5))["type"] == "connection"  # the demo printer's
    assert await group_members() == 1

    texts = [json.dumps({"type": "status", "seq": seq, "printer": "demo", "payload": {}}) for seq in (10, 11)]
    batch = status_batch_event([("demo", 10, texts[0]), ("demo", 11, texts[1])])
    await sync_to_async(status_send_many)([(STATUS_GROUP, batch)])
    for client in clients:
        assert [(await client.receive_json_from(timeout=5))["seq"] for _ in texts] == [10, 11]

    await asyncio.gather(*(client.disconnect() for client in clients))
    for _ in range(200):  # the last client's going ends the fan-out, which leaves the group
        if await group_members() == 0:
            break
        await asyncio.sleep(0.01)
    assert await group_members() == 0
    await sync_to_async(lambda: connection.close())()
