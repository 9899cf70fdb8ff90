"""The API key: sent on the upgrade (X-Api-Key) and in identify; a refused key is MoonrakerAuthFailed; never logged."""

import logging
import re

import pytest

from status.sources.moonraker.client import MoonrakerAuthFailed, MoonrakerClient
from status.sources.moonraker.testing import FakeMoonraker

pytestmark = pytest.mark.asyncio

KEY = "4f1c2b9d8e7a6f5e4d3c2b1a09f8e7d6"


async def test_the_right_key_identifies_as_an_agent_and_calls_work():
    async with FakeMoonraker(api_key=KEY) as fake:
        client = MoonrakerClient(fake.url, KEY)
        await client.connect()

        answer = await client.identify()

        assert "connection_id" in answer
        method, params = fake.calls[0]
        assert method == "server.connection.identify"
        assert (params["client_name"], params["type"], params["api_key"]) == ("KlipperIWC", "agent", KEY)
        assert (await client.call("server.info"))["klippy_state"] == "ready"
        await client.close()


async def test_the_key_on_the_upgrade_alone_authorizes_the_socket():
    async with FakeMoonraker(api_key=KEY) as fake:
        client = MoonrakerClient(fake.url, KEY)
        await client.connect()

        # No identify: X-Api-Key on the upgrade is what Moonraker checked.
        assert (await client.call("server.info"))["klippy_state"] == "ready"
        await client.close()


async def test_a_wrong_key_fails_identify_with_auth_failed():
    async with FakeMoonraker(api_key=KEY) as fake:
        client = MoonrakerClient(fake.url, "0" * 32)
        await client.connect()  # Moonraker opens the socket even with a wrong key

        with pytest.raises(MoonrakerAuthFailed, match=re.escape("refused the API key (Invalid API Key)")):
            await client.identify()
        await client.close()


async def test_no_key_where_one_is_needed_fails_with_auth_failed():
    async with FakeMoonraker(api_key=KEY) as fake:
        client = MoonrakerClient(fake.url, "")
        await client.connect()

        with pytest.raises(MoonrakerAuthFailed, match="Unauthorized"):
            await client.identify()
        await client.close()


@pytest.mark.parametrize("status", [401, 403])
async def test_http_401_or_403_on_the_upgrade_is_auth_failed(status):
    async with FakeMoonraker(api_key=KEY) as fake:
        fake.reject_upgrade = status

        with pytest.raises(MoonrakerAuthFailed, match=f"HTTP {status}"):
            await MoonrakerClient(fake.url, KEY).connect()


async def test_the_key_is_never_logged_nor_in_a_message(caplog):
    caplog.set_level(logging.DEBUG)
    async with FakeMoonraker(api_key=KEY) as fake:
        client = MoonrakerClient(fake.url, KEY)
        await client.connect()
        await client.identify()
        await client.call("server.info")
        await fake.notify("notify_gcode_response", ["ok"])
        await client.next_notification()
        await client.close()
        wrong = MoonrakerClient(fake.url, KEY[::-1])
        await wrong.connect()
        with pytest.raises(MoonrakerAuthFailed) as refused:
            await wrong.identify()
        await wrong.close()

    logged = "\n".join(f"{record.getMessage()} {record.args}" for record in caplog.records)
    assert caplog.records  # websockets and the client did log at DEBUG/INFO
    assert KEY not in logged
    assert KEY[::-1] not in logged
    assert KEY not in repr(client)
    assert KEY[::-1] not in str(refused.value)
