"""One STATUS_GROUP member per process, handing each status event to that process's /ws/status consumers.

Every consumer used to join STATUS_GROUP itself, so a broadcast was one channel-layer
message per client: a deepcopy each in embedded mode; with Redis a serialisation, a key
in the Lua script and a pop each. With 1,000 clients that was 1,000 messages per status
batch, and the soak (bench/soak.py) delivered under a quarter of the statuses, seconds
late. Now each process (each event loop) has one member, a StatusFanout, that receives
an event once and hands it to its consumers in memory.

Completeness: the fan-out is in the group before a consumer is registered, so every
event broadcast after ``register`` returns reaches that consumer
(status/first_messages.py relies on it).

Outages: while the channel layer fails (Redis away) the fan-out retries with backoff
and joins the group again (a restarted Redis has forgotten it). The consumers notice
the outage on their own channel and close with 4503 (ClosesWhenAServiceIsDown); those
that reconnect once Redis is back are registered with the joined fan-out.
The fan-out ends with its last consumer and leaves the group.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from typing import Protocol

from channels.layers import get_channel_layer
from django.conf import settings

from klipperiwc_site.channel_layers import ChannelLayerUnavailable
from status.broadcast import STATUS_GROUP

logger = logging.getLogger(__name__)

RETRY_FIRST_SECONDS = 0.2
RETRY_MAX_SECONDS = 5.0


class StatusReceiver(Protocol):
    async def status_event_arrived(self, event: dict) -> None: ...


class StatusFanout:
    def __init__(self) -> None:
        self.consumers: set[StatusReceiver] = set()
        self.registering = 0
        self.task: asyncio.Task | None = None
        self.joined: asyncio.Future | None = None

    async def register(self, consumer: StatusReceiver) -> None:
        """Add ``consumer``; returns once the fan-out is in STATUS_GROUP (raises what joining raised)."""
        self.registering += 1
        try:
            if self.task is None or self.task.done():
                loop = asyncio.get_running_loop()
                self.joined = loop.create_future()
                self.task = loop.create_task(self._run(self.joined), name="status-fanout")
            assert self.joined is not None
            await asyncio.shield(self.joined)
        finally:
            self.registering -= 1
        self.consumers.add(consumer)

    def unregister(self, consumer: StatusReceiver) -> None:
        self.consumers.discard(consumer)
        if not self.consumers and not self.registering and self.task is not None:
            self.task.cancel()
            self.task = None

    async def _run(self, joined: asyncio.Future) -> None:
        layer = get_channel_layer()
        channel = None
        try:
            try:
                # The default prefix: channels_redis reads every process-local channel of one prefix in
                # one loop, so a channel of another prefix beside the consumers' would never be read.
                channel = await layer.new_channel()
                await layer.group_add(STATUS_GROUP, channel)
            except Exception as error:
                joined.set_exception(error)
                joined.exception()  # retrieved here: a fan-out nobody waits for any more must not warn
                return
            joined.set_result(None)
            renewal = asyncio.create_task(self._renew(layer, channel))
            try:
                await self._receive_and_hand_out(layer, channel)
            finally:
                renewal.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewal
        finally:
            if channel is not None:
                # Leaving is a courtesy (memberships expire): at most 2 s, nothing while Redis is away.
                # Awaited here, not in a task of its own, so a loop that closes waits for it.
                await _leave(layer, channel)

    async def _receive_and_hand_out(self, layer, channel: str) -> None:
        delay = RETRY_FIRST_SECONDS
        while True:
            try:
                event = await layer.receive(channel)
            except Exception as error:
                if isinstance(error, ChannelLayerUnavailable | OSError):
                    # Named once per outage by the layer; the consumers close with 4503.
                    logger.debug("Status fan-out cannot receive (%s); retrying in %.1f s", error, delay)
                else:
                    logger.exception("Status fan-out: receiving failed; retrying in %.1f s", delay)
                await asyncio.sleep(delay)
                delay = min(RETRY_MAX_SECONDS, delay * 2)
                with contextlib.suppress(ChannelLayerUnavailable, OSError):
                    await layer.group_add(STATUS_GROUP, channel)  # a restarted Redis forgot it
                continue
            delay = RETRY_FIRST_SECONDS
            for consumer in list(self.consumers):
                try:
                    await consumer.status_event_arrived(event)
                except Exception:
                    # One consumer's failure must not cost the others their statuses.
                    logger.exception("Handing a status event to a /ws/status consumer failed")

    async def _renew(self, layer, channel: str) -> None:
        # Memberships expire (CHANNEL_GROUP_EXPIRY); joining again renews them.
        interval = max(60, settings.CHANNEL_GROUP_EXPIRY // 6)
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(ChannelLayerUnavailable, OSError):
                await layer.group_add(STATUS_GROUP, channel)


async def _leave(layer, channel: str) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(layer.group_discard(STATUS_GROUP, channel), timeout=2)


_fanouts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, StatusFanout] = weakref.WeakKeyDictionary()


def status_fanout() -> StatusFanout:
    """The running event loop's fan-out (daphne runs one loop per process; tests run several)."""
    loop = asyncio.get_running_loop()
    fanout = _fanouts.get(loop)
    if fanout is None:
        fanout = _fanouts[loop] = StatusFanout()
    return fanout
