"""/ws/status through the ASGI application: a client connects, talks, and gets broadcasts."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from klipperiwc_site.asgi import application
from status.broadcast import STATUS_GROUP, status_event, status_send_many

# The consumer reads printers from the database in a worker thread.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.asyncio
async def test_a_client_gets_pong_for_ping():
    communicator = WebsocketCommunicator(application, "/ws/status")
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["type"] == "connection"  # the demo printer's
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_a_broadcast_reaches_every_connected_client():
    first = WebsocketCommunicator(application, "/ws/status")
    second = WebsocketCommunicator(application, "/ws/status")
    assert (await first.connect())[0]
    assert (await second.connect())[0]
    for client in (first, second):
        assert (await client.receive_json_from(timeout=5))["type"] == "connection"  # the demo printer's
    message = {"type": "status", "printer": "demo", "payload": {"state": "idle"}}
    # Sent the way the status app sends it: from synchronous code, through the channel layer.
    await sync_to_async(status_send_many)([(STATUS_GROUP, status_event(text=json.dumps(message)))])
    assert await first.receive_json_from(timeout=5) == message
    assert await second.receive_json_from(timeout=5) == message
    await first.disconnect()
    await second.disconnect()


@pytest.mark.asyncio
async def test_an_unknown_message_gets_an_error_reply_and_a_close():
    communicator = WebsocketCommunicator(application, "/ws/status")
    assert (await communicator.connect())[0]
    assert (await communicator.receive_json_from(timeout=5))["type"] == "connection"  # the demo printer's
    await communicator.send_json_to({"type": "subscribe-everything"})
    reply = await communicator.receive_json_from(timeout=5)
    assert reply["type"] == "error"
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4400}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (b"https://evil.example", False),
        (b"https://hub.example.com", True),
        (None, True),  # printer tools and scripts send no Origin
    ],
)
async def test_only_pages_of_this_site_or_clients_without_origin_connect(settings, origin, accepted):
    settings.ALLOWED_HOSTS = ["hub.example.com"]
    headers = [(b"origin", origin)] if origin else []
    communicator = WebsocketCommunicator(application, "/ws/status", headers=headers)
    connected, _ = await communicator.connect()
    assert connected is accepted
    if connected:
        await communicator.disconnect()
