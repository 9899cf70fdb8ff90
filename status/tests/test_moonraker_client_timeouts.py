"""A slow or stuck Moonraker: an unanswered call or ping closes the connection with the reason."""

import asyncio
import re

import pytest

from status.sources.moonraker.client import MoonrakerClient, MoonrakerConnectionLost, MoonrakerTimeout
from status.sources.moonraker.testing import FakeMoonraker

pytestmark = pytest.mark.asyncio


async def test_an_unanswered_call_times_out_and_closes_the_connection():
    async with FakeMoonraker() as fake:
        client = MoonrakerClient(fake.url)
        await client.connect()
        fake.answering = False
        started = asyncio.get_running_loop().time()

        with pytest.raises(MoonrakerTimeout, match=re.escape("did not answer server.info within 0.3 s")):
            await client.call("server.info", timeout=0.3)

        assert asyncio.get_running_loop().time() - started < 2
        assert client.closed
        with pytest.raises(MoonrakerConnectionLost, match=re.escape("did not answer server.info")):
            await client.call("server.info")
        with pytest.raises(MoonrakerConnectionLost):
            await client.next_notification()
        await client.close()


async def test_an_unanswered_ping_closes_the_connection_with_that_reason():
    async with FakeMoonraker() as fake:
        client = MoonrakerClient(fake.url, ping_interval=0.2, ping_timeout=0.3)
        await client.connect()
        await client.call("server.info")

        fake.stop_reading()  # the host is stuck: nothing is read, no pong comes back
        reason = await asyncio.wait_for(client.wait_closed(), 5)

        assert reason == "Moonraker did not answer a ping within 0.3 s"
        await client.close()


async def test_moonraker_closing_fails_pending_calls_and_ends_the_notifications():
    async with FakeMoonraker() as fake:
        client = MoonrakerClient(fake.url)
        await client.connect()
        fake.answering = False
        pending = asyncio.create_task(client.call("server.info", timeout=10))
        await asyncio.sleep(0.05)

        await fake.drop_connections()

        closed = re.escape("Moonraker closed the connection (code 1001: Server Shutdown)")
        with pytest.raises(MoonrakerConnectionLost, match=closed):
            await asyncio.wait_for(pending, 5)
        with pytest.raises(MoonrakerConnectionLost):
            await asyncio.wait_for(client.next_notification(), 5)
        await client.close()
