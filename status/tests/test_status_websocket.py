"""/ws/status: latest status on connect, broadcasts after GET, seq, token (4401), junk and floods."""

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


async def receive_status(client, timeout=5):
    """The next message that is not a connection message (a new client gets one per printer)."""
    while True:
        message = await client.receive_json_from(timeout=timeout)
        if message["type"] != "connection":
            return message


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
    first = await receive_status(client)
    await get_status()
    second = await receive_status(client)
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
    message = await receive_status(client)
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
    await capture()
    client, connected = await connect(f"/ws/status{query}")
    assert connected  # accepted either way: a refused one is told why, then closed with 4401
    first = await client.receive_json_from(timeout=5)
    if accepted:
        assert first["type"] == "status"
        await client.disconnect()
    else:
        assert first["type"] == "error"
        assert "?token=" in first["detail"]
        assert "s3cret" not in first["detail"]
        assert await client.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_the_token_is_compared_in_constant_time(settings, monkeypatch):
    import hmac

    from status import consumers

    settings.STATUS_WS_TOKEN = "s3cret-token"
    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr(consumers.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))
    assert consumers.token_accepted("s3cret-token")
    assert not consumers.token_accepted("wrong")
    assert compared == [(b"s3cret-token", b"s3cret-token"), (b"wrong", b"s3cret-token")]


async def test_junk_closes_only_the_sender(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 0
    sender, _ = await connect()
    bystander, _ = await connect()
    await sender.send_to(text_data="{{{ not json")
    assert (await receive_status(sender))["type"] == "error"
    assert (await sender.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4400}
    await capture()
    assert (await receive_status(bystander))["type"] == "status"
    await bystander.disconnect()


async def test_a_flood_closes_the_sender_with_4429(settings):
    settings.STATUS_WS_MAX_MESSAGES_PER_MINUTE = 5
    client, _ = await connect()
    for _ in range(5):
        await client.send_json_to({"type": "ping"})
        assert await receive_status(client) == {"type": "pong"}
    await client.send_json_to({"type": "ping"})
    assert await client.receive_output(timeout=5) == {"type": "websocket.close", "code": 4429}


async def test_a_client_that_never_reads_does_not_hold_up_the_others(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 0
    stalled, _ = await connect()  # never reads what it is sent
    reader, _ = await connect()
    for _ in range(20):
        await capture()
        message = await asyncio.wait_for(receive_status(reader), timeout=5)
        assert message["type"] == "status"
    await stalled.disconnect()
    await reader.disconnect()
