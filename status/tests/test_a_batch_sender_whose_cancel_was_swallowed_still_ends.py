"""The status batch sender ends when cancelled, even when the channel layer swallowed the cancel.

A cancel that arrives while group_send waits on Redis can be caught underneath,
and group_send then returns as if nothing happened. The sender went on waiting for
its next batch, and the closing event loop waited for it: the scaled test run's
teardown hang (klipperiwc_site/pytest_loop_teardown.py named this task).
"""

import asyncio

import pytest

from status import broadcast


class SwallowingLayer:
    """group_send waits until cancelled, then returns normally (as a client that catches the cancel)."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()

    async def group_send(self, group, message):
        self.entered.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            return


def test_a_cancel_swallowed_during_a_send_still_ends_the_sender(monkeypatch):
    layer = SwallowingLayer()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)

    async def scenario():
        sender = broadcast._BatchSender()
        sender.put([("printer-1", 1, '{"type": "status"}')])
        await asyncio.wait_for(layer.entered.wait(), timeout=5)
        sender.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(sender.task, timeout=5)

    asyncio.run(scenario())
