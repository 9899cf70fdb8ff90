"""Malformed or unexpected frames are skipped and logged once per kind; good ones still arrive."""

import logging

import pytest

from status.sources.moonraker.client import MoonrakerClient
from status.sources.moonraker.testing import FakeMoonraker

pytestmark = pytest.mark.asyncio

BAD_FRAMES = [
    "not json {",
    "[1, 2, 3]",
    b"\x00\x01binary",
    '{"jsonrpc": "2.0", "id": 987654, "result": {}}',
    '{"jsonrpc": "2.0", "method": "remote_method", "id": 5}',
]


async def test_bad_frames_are_skipped_and_each_kind_logged_once(caplog):
    caplog.set_level(logging.INFO, logger="status.sources.moonraker.client")
    async with FakeMoonraker() as fake:
        client = MoonrakerClient(fake.url)
        await client.connect()
        await client.identify()

        for _ in range(3):
            for frame in BAD_FRAMES:
                await fake.send_raw(frame)
        await fake.notify("notify_gcode_response", ["still here"])

        assert await client.next_notification() == ("notify_gcode_response", ["still here"])
        assert (await client.call("server.info"))["klippy_state"] == "ready"
        await client.close()

    logged = [record.getMessage() for record in caplog.records if "logged once per kind" in record.getMessage()]
    kinds = [message.split(" (logged once")[0] for message in logged]
    expected = ["not JSON", "not an object", "binary frame", "unmatched response", "request remote_method"]
    assert sorted(kinds) == sorted(expected)


async def test_a_call_answered_with_neither_result_nor_error_fails_that_call_only():
    async with FakeMoonraker() as fake:
        fake.handlers["printer.info"] = lambda params: None
        client = MoonrakerClient(fake.url)
        await client.connect()

        # A JSON null result is still a result; Moonraker's error object is an error.
        assert await client.call("printer.info") is None
        with pytest.raises(Exception, match="Method not found"):
            await client.call("no.such.method")
        assert (await client.call("server.info"))["klippy_state"] == "ready"
        await client.close()
