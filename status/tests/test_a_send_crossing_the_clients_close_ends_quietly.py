"""A message sent while the client's close is on its way is dropped, not an error that ends the consumer.

autobahn (daphne's WebSocket) refuses a send once the closing handshake began, before daphne
tells the consumer; the soak (bench/soak.py) logged it as "Exception inside application".
"""

import pytest
from autobahn.exception import Disconnected

from status.consumers import StatusConsumer

pytestmark = pytest.mark.asyncio


async def test_a_send_after_the_close_began_is_dropped():
    sent = []

    async def closing_send(message):
        sent.append(message)
        raise Disconnected("Attempt to send on a closed protocol")

    consumer = StatusConsumer()
    consumer.base_send = closing_send
    consumer.following = None
    consumer.last_seq = {}
    await consumer.send(text_data='{"type": "pong"}')
    await consumer.status_message({"printer": None, "seq": None, "text": "{}"})
    assert [message["type"] for message in sent] == ["websocket.send", "websocket.send"]


async def test_other_send_errors_still_surface():
    async def broken_send(message):
        raise ValueError("Socket has not been accepted, so cannot send over it")

    consumer = StatusConsumer()
    consumer.base_send = broken_send
    with pytest.raises(ValueError, match="not been accepted"):
        await consumer.send(text_data="{}")
