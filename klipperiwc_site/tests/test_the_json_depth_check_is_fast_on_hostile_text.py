"""The depth check scans hostile text in linear time: escaped quotes in an unterminated string are no slow request."""

import time

import pytest
from channels.testing import WebsocketCommunicator

from klipperiwc_site.asgi import application

# Each escaped quote used to start a new string match that ran to the end of
# the text: 100 KB of this took about 30 s of CPU before the parser saw it.
HOSTILE = ['"' + '\\"' * 50_000, '"' + '\\"' * 50_000 + "\\", "[" + '"\\"' * 30_000]
SECONDS = 3


@pytest.mark.django_db
@pytest.mark.parametrize("body", HOSTILE, ids=["unterminated", "trailing-backslash", "in-an-array"])
def test_the_api_refuses_it_quickly(client, body):
    started = time.monotonic()
    response = client.post("/api/boards/validate", body, content_type="application/json")
    elapsed = time.monotonic() - started

    assert response.status_code == 400, response.content
    assert "JSON parse error" in response.json()["detail"]
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_the_websocket_refuses_it_quickly():
    client = WebsocketCommunicator(application, "/ws/status")
    connected, _ = await client.connect()
    assert connected
    assert (await client.receive_json_from(timeout=5))["type"] == "connection"  # the demo printer's, on connect
    started = time.monotonic()
    await client.send_to(text_data=HOSTILE[0])

    error = await client.receive_json_from(timeout=SECONDS)
    assert error["type"] == "error"
    assert time.monotonic() - started < SECONDS
    await client.disconnect()
