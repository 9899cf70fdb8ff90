"""A refused API key is auth_failed with Moonraker's reason, and tried again only once a minute."""

import asyncio

import pytest

from status.sources.moonraker.source import MoonrakerFollower
from status.sources.moonraker.testing import FakeMoonraker, RecordingSink, running

pytestmark = pytest.mark.asyncio


async def follow_until_refused(fake, api_key):
    sink = RecordingSink()
    follower = MoonrakerFollower(url=fake.url, api_key=api_key, sink=sink)
    async with running(follower.run()):
        await sink.until(lambda s: s.link[0] == "auth_failed", timeout=5, what="auth_failed")
        await asyncio.sleep(1.0)  # long enough for several retries if they were not held back
    return sink, follower


async def test_a_wrong_key_is_auth_failed_and_offline_saying_so():
    async with FakeMoonraker(api_key="right") as fake:
        sink, _ = await follow_until_refused(fake, "wrong")

    _state, message = sink.link
    assert message == f"Moonraker at 127.0.0.1:{fake.port} refused the API key (Invalid API Key)"
    assert sink.last_status.state == "offline"
    assert sink.last_status.message == f"Moonraker refused the API key: {message}"
    assert "wrong" not in message


async def test_a_refused_key_is_tried_again_after_a_minute_not_sooner():
    async with FakeMoonraker(api_key="right") as fake:
        _, follower = await follow_until_refused(fake, "wrong")

    assert fake.upgrades == 1
    assert 60 <= follower.next_retry_in <= 65


async def test_http_401_on_the_upgrade_is_auth_failed_too():
    async with FakeMoonraker(api_key="right") as fake:
        fake.reject_upgrade = 401
        sink, follower = await follow_until_refused(fake, "right")

    assert sink.link[1] == f"Moonraker at 127.0.0.1:{fake.port} refused the API key (HTTP 401)"
    assert fake.upgrades == 1
    assert follower.next_retry_in >= 60
