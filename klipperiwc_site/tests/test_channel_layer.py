"""The embedded channel layer: throttled sweeping, expiry and group renewal still work."""

import asyncio

import pytest

from klipperiwc_site.channel_layers import ThrottledInMemoryChannelLayer

pytestmark = pytest.mark.asyncio


async def test_messages_flow_through_groups():
    layer = ThrottledInMemoryChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("status", channel)
    await layer.group_send("status", {"type": "status.message", "text": "hello"})
    assert (await asyncio.wait_for(layer.receive(channel), 2))["text"] == "hello"


async def test_expired_messages_are_still_swept(monkeypatch):
    layer = ThrottledInMemoryChannelLayer(expiry=0)
    layer.sweep_interval = 0
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "x"})
    await asyncio.sleep(0.01)
    layer._clean_expired()
    assert channel not in layer.channels


async def test_sweeping_runs_at_most_once_per_interval(monkeypatch):
    layer = ThrottledInMemoryChannelLayer()
    sweeps = []
    monkeypatch.setattr("channels.layers.InMemoryChannelLayer._clean_expired", lambda self: sweeps.append(1))
    for _ in range(100):
        layer._clean_expired()
    assert len(sweeps) == 1


async def test_group_membership_expires_unless_renewed():
    layer = ThrottledInMemoryChannelLayer(group_expiry=1)
    layer.sweep_interval = 0
    channel = await layer.new_channel()
    await layer.group_add("status", channel)
    layer.groups["status"][channel] -= 5  # joined "long ago"
    await layer.group_send("status", {"type": "status.message", "text": "lost"})
    assert channel not in layer.groups.get("status", {})
    await layer.group_add("status", channel)  # what the consumer's renewal does
    await layer.group_send("status", {"type": "status.message", "text": "kept"})
    assert (await asyncio.wait_for(layer.receive(channel), 2))["text"] == "kept"
