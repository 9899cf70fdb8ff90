"""A lost connection is unreachable with the reason, and followed again soon: the first retry within 2 s."""

import asyncio

import pytest

from status.sources.moonraker import source as source_module
from status.sources.moonraker.source import Backoff, MoonrakerFollower, MoonrakerSource
from status.sources.moonraker.testing import FakeMoonraker, RecordingSink, running

pytestmark = pytest.mark.asyncio


async def test_a_dropped_connection_is_unreachable_then_connected_again_within_2_seconds():
    async with FakeMoonraker(api_key="k") as fake:
        sink = RecordingSink()
        async with running(MoonrakerSource(url=fake.url, api_key="k").follow(sink)):
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")
            assert sink.connections[0] == ("connecting", "")

            await fake.drop_connections()
            await sink.until(lambda s: s.link[0] == "unreachable", timeout=5, what="unreachable")
            lost_at = asyncio.get_running_loop().time()
            reason = sink.link[1]
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="reconnected")
            back_after = asyncio.get_running_loop().time() - lost_at

    assert reason == "Moonraker closed the connection (code 1001: Server Shutdown)"
    offline = [status for status in sink.statuses if status.state == "offline"]
    assert offline[0].message == f"Moonraker unreachable: {reason}"
    assert back_after < 2.0
    assert sink.last_status.state == "idle"
    assert fake.upgrades == 2


async def test_a_moonraker_that_stays_down_is_retried_ever_later_up_to_the_cap():
    async with FakeMoonraker() as fake:
        url = fake.url  # stopped: nothing listens there any more
    sink = RecordingSink()
    follower = MoonrakerFollower(url=url, api_key="", sink=sink, backoff=Backoff(rng=lambda: 1.0))
    delays = []

    async def short_wait(delay):  # records the delay instead of spending it
        delays.append(delay)
        await asyncio.sleep(0.01)

    follower._wait = short_wait
    async with running(follower.run()):
        await sink.until(lambda s: len(delays) >= 8, timeout=5, what="eight retries")

    assert delays[:8] == [1.5, 3.0, 6.0, 12.0, 24.0, 30.0, 30.0, 30.0]
    assert sink.link[0] == "unreachable"
    assert sink.link[1].startswith("connection refused by 127.0.0.1:")
    assert len(sink.connections) == 2  # connecting, then unreachable once: the same reason is not repeated


async def test_after_a_healthy_connection_the_backoff_starts_over(monkeypatch):
    monkeypatch.setattr(source_module, "HEALTHY_SECONDS", 0.2)
    async with FakeMoonraker() as fake:
        sink = RecordingSink()
        backoff = Backoff(rng=lambda: 0.0)
        backoff.attempt = 5  # as after a long outage
        follower = MoonrakerFollower(url=fake.url, api_key="", sink=sink, backoff=backoff)
        async with running(follower.run()):
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")
            await asyncio.sleep(0.3)  # healthy for longer than HEALTHY_SECONDS

            await fake.drop_connections()
            await sink.until(lambda s: follower.next_retry_in is not None, timeout=5, what="a retry")

    assert follower.next_retry_in == 0.75  # the first step again (jitter 0: half of 1.5 s)


async def test_while_waiting_to_retry_the_offline_status_is_sent_again(monkeypatch):
    monkeypatch.setattr(source_module, "STATUS_REPEAT_SECONDS", 0.05)
    async with FakeMoonraker() as fake:
        url = fake.url
    sink = RecordingSink()
    follower = MoonrakerFollower(url=url, api_key="", sink=sink, backoff=Backoff(first=10, rng=lambda: 1.0))

    async with running(follower.run()):
        await sink.until(lambda s: len(s.statuses) >= 4, timeout=5, what="repeated offline statuses")

    assert {status.state for status in sink.statuses} == {"offline"}
    assert len({status.message for status in sink.statuses}) == 1
    assert sink.statuses[0].updated_at < sink.statuses[-1].updated_at
