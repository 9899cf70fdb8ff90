"""A Moonraker that stops answering (calls or pings) is unreachable with the reason, then retried."""

import functools

import pytest

from status.sources.moonraker.client import MoonrakerClient
from status.sources.moonraker.source import MoonrakerFollower
from status.sources.moonraker.testing import FakeMoonraker, RecordingSink, running

pytestmark = pytest.mark.asyncio


async def test_an_unanswered_call_is_unreachable_naming_it():
    async with FakeMoonraker() as fake:
        fake.answering = False
        sink = RecordingSink()
        factory = functools.partial(MoonrakerClient, call_timeout=0.3)
        follower = MoonrakerFollower(url=fake.url, api_key="", sink=sink, client_factory=factory)
        async with running(follower.run()):
            await sink.until(lambda s: s.link[0] == "unreachable", timeout=5, what="unreachable")

    assert sink.link[1] == "Moonraker did not answer server.connection.identify within 0.3 s"
    assert sink.last_status.state == "offline"


async def test_a_host_that_stops_reading_is_lost_by_the_ping_and_followed_again():
    async with FakeMoonraker() as fake:
        sink = RecordingSink()
        factory = functools.partial(MoonrakerClient, ping_interval=0.2, ping_timeout=0.3)
        follower = MoonrakerFollower(url=fake.url, api_key="", sink=sink, client_factory=factory)
        async with running(follower.run()):
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")

            fake.stop_reading()
            await sink.until(lambda s: s.link[0] == "unreachable", timeout=5, what="unreachable")
            assert sink.link[1] == "Moonraker did not answer a ping within 0.3 s"

            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected again")
    assert fake.upgrades == 2
