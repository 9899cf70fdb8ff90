"""Wrong STATUS_WS_TOKENs from one address lock it out: the AUTH_FAILURE_LIMIT-th and every
later connection, the right token included, is told why (with retry_after) and closed with
4423; connections without a token are not counted, and other addresses still connect."""

import pytest
from channels.testing import WebsocketCommunicator

from klipperiwc_site.asgi import application
from klipperiwc_site.guessing import CLOSE_LOCKED_OUT
from status.consumers import CLOSE_TOKEN_NEEDED

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.asyncio]

TOKEN = "status-socket-token-0123456789"
LIMIT = 4


async def attempt(query: str, address: str = "198.51.100.7"):
    """(first message, close code or None) of a connection to /ws/status?<query> from ``address``."""
    communicator = WebsocketCommunicator(application, f"/ws/status?{query}")
    communicator.scope["client"] = (address, 50000)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    first = await communicator.receive_json_from(timeout=5)
    if first["type"] == "error":
        closed = await communicator.receive_output(timeout=5)
        return first, closed["code"]
    await communicator.disconnect()
    return first, None


async def test_wrong_tokens_lock_the_websocket(settings):
    settings.STATUS_WS_TOKEN = TOKEN
    settings.AUTH_FAILURE_LIMIT = LIMIT
    settings.AUTH_LOCKOUT_SECONDS = 900

    for _ in range(20):  # no token: asked for one, never counted
        _, code = await attempt("")
        assert code == CLOSE_TOKEN_NEEDED
    for number in range(LIMIT - 1):
        message, code = await attempt(f"token=guess-{number}")
        assert code == CLOSE_TOKEN_NEEDED
        assert "?token=<STATUS_WS_TOKEN>" in message["detail"]

    for query in (f"token=guess-{LIMIT}", "token=another-guess", f"token={TOKEN}"):
        message, code = await attempt(query)
        assert code == CLOSE_LOCKED_OUT == 4423, query
        assert message["type"] == "error"
        assert "locked out" in message["detail"]
        assert 1 <= message["retry_after"] <= 900
        assert TOKEN not in message["detail"]

    message, code = await attempt(f"token={TOKEN}", address="198.51.100.8")
    assert code is None
    assert message["type"] in ("status", "connection")
