"""A Moonraker that cannot be reached is MoonrakerUnreachable, with a reason a person can act on."""

import asyncio
import re
import socket

import pytest

from status.sources.moonraker.client import MoonrakerClient, MoonrakerUnreachable, websocket_url
from status.sources.moonraker.testing import FakeMoonraker


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.asyncio
async def test_a_refused_connection_names_the_address():
    port = closed_port()

    with pytest.raises(MoonrakerUnreachable, match=f"connection refused by 127.0.0.1:{port}"):
        await MoonrakerClient(f"http://127.0.0.1:{port}").connect()


@pytest.mark.asyncio
async def test_a_host_that_never_answers_the_upgrade_times_out():
    silent = socket.create_server(("127.0.0.1", 0))  # accepts TCP (backlog), never speaks HTTP
    try:
        port = silent.getsockname()[1]
        client = MoonrakerClient(f"http://127.0.0.1:{port}", connect_timeout=0.3)
        started = asyncio.get_running_loop().time()

        with pytest.raises(MoonrakerUnreachable, match=re.escape(f"no answer from 127.0.0.1:{port} within")):
            await client.connect()

        assert asyncio.get_running_loop().time() - started < 3
    finally:
        silent.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [404, 502, 503])
async def test_an_http_error_on_the_upgrade_is_unreachable_with_its_status(status):
    async with FakeMoonraker() as fake:
        fake.reject_upgrade = status

        with pytest.raises(MoonrakerUnreachable, match=f"answered HTTP {status} to the websocket upgrade"):
            await MoonrakerClient(fake.url).connect()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://printer.local:7125", "ws://printer.local:7125/websocket"),
        ("https://farm.example/printers/p1/", "wss://farm.example/printers/p1/websocket"),
        ("http://10.0.0.5", "ws://10.0.0.5/websocket"),
    ],
)
def test_the_websocket_address_keeps_host_port_and_path_prefix(url, expected):
    assert websocket_url(url) == expected


def test_an_address_that_is_not_http_is_refused():
    with pytest.raises(ValueError, match="http:// or https://"):
        websocket_url("ftp://printer.local")
