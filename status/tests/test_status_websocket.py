"""/ws/status: latest status on connect, broadcasts after GET, seq, token, junk and floods."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from klipperiwc_site.asgi import application
from status.models import Printer
from status.payloads import status_seq
from status.services import status_capture

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.asyncio]


async def connect(path="/ws/status"):
    communicator = WebsocketCommunicator(application, path)
    connected, _ = await communicator.connect()
    return communicator, connected


async def capture(slug="demo", **kwargs):
    printer = await Printer.objects.aget(slug=slug)
    # database_sync_to_async closes the worker thread's connection afterwards.
    return await database_sync_to_async(status_capture)(printer=printer, **kwargs)


async def test_a_new_client_first_gets_the_latest_stored_status():
    stored = await capture()
    client, connected = await connect()
    assert connected
    first = await client.receive_json_from(timeout=5)
    assert first["type"] == "status"
    assert first["printer"] == "demo"
    assert first["seq"] == status_seq(stored.status.updated_at)
    assert first["payload"]["state"] == stored.status.state
    assert first["payload"]["updated_at"] == stored.status.updated_at.isoformat()
    await client.disconnect()


async def test_get_api_status_reaches_connected_clients_with_increasing_seq(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 0
    client, _ = await connect()
    get_status = database_sync_to_async(lambda: Client().get("/api/status"))
    await get_status()
    first = await client.receive_json_from(timeout=5)
    await get_status()
    second = await client.receive_json_from(timeout=5)
    assert first["type"] == second["type"] == "status"
    assert second["seq"] > first["seq"]
    assert set(first["payload"]) >= {"state", "active_job", "queued_jobs", "temperatures", "updated_at"}
    await client.disconnect()


async def test_a_client_following_one_printer_gets_only_that_one(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 0
    await Printer.objects.acreate(slug="other", name="Other", source_config={"seed": 1})
    client, _ = await connect("/ws/status?printer=other")
    await capture("demo")
    await capture("other")
    message = await client.receive_json_from(timeout=5)
    assert message["printer"] == "other"
    assert await client.receive_nothing(timeout=0.3)
    await client.disconnect()


async def test_an_unknown_printer_is_named_and_closed():
    client, connected = await connect("/ws/status?printer=ghost")
    assert connected
    assert (await client.receive_json_from(timeout=5))["detail"] == "Unknown printer(s): ghost."
    assert (await client.receive_output(timeout=5))["code"] == 4404


@pytest.mark.parametrize("query", ["printer=%00", "printer=demo%00", "printer=demo,gh%00st"])
async def test_a_printer_name_with_a_nul_character_is_unknown_too(query):
    client, connected = await connect(f"/ws/status?{query}")
    assert connected
    assert (await client.receive_json_from(timeout=5))["detail"].startswith("Unknown printer(s): ")
    assert (await client.receive_output(timeout=5))["code"] == 4404


@pytest.mark.parametrize(("query", "accepted"), [("", False), ("?token=wrong", False), ("?token=s3cret-token", True)])
async def test_with_a_token_configured_only_its_holders_connect(settings, query, accepted):
    settings.STATUS_WS_TOKEN = "s3cret-token"
    client, connected = await connect(f"/ws/status{query}")
    assert connected is accepted
    if connected:
        await client.disconnect()


async def test_junk_closes_only_the_sender(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 0
    sender, _ = await connect()
    bystander, _ = await connect()
    await sender.send_to(text_data="{{{ not json")
    assert (await sender.receive_json_from(timeout=5))["type"] == "error"
    assert (await sender.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4400}
    await capture()
    assert (await bystander.receive_json_from(timeout=5))["type"] == "status"
    await bystander.disconnect()


async def test_a_flood_closes_the_sender_with_4429(settings):
    settings.STATUS_WS_MAX_MESSAGES_PER_MINUTE = 5
    client, _ = await connect()
    for _ in range(5):
        await client.send_json_to({"type": "ping"})
        assert await client.receive_json_from(timeout=5) == {"type": "pong"}
    await client.send_json_to({"type": "ping"})
    assert await client.receive_output(timeout=5) == {"type": "websocket.close", "code": 4429}


async def test_a_client_that_never_reads_does_not_hold_up_the_others(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 0
    stalled, _ = await connect()  # never reads what it is sent
    reader, _ = await connect()
    for _ in range(20):
        await capture()
        message = await asyncio.wait_for(reader.receive_json_from(), timeout=5)
        assert message["type"] == "status"
    await stalled.disconnect()
    await reader.disconnect()
