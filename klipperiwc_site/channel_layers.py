"""Channel layers.

Embedded mode's in-process layer, made to scale with many clients, and scaled
mode's Redis layer, made to ride out Redis outages and restarts.
"""

import contextlib
import json
import logging
import time

import channels_redis.core
from channels.layers import InMemoryChannelLayer
from channels_redis.utils import create_pool
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff

from klipperiwc_site.outages import (
    DATABASE_OUTAGE_ERRORS,
    REDIS_OUTAGE_ERRORS,
    OutageLog,
    database_address,
    redis_address,
)
from klipperiwc_site.upstream import UpstreamCode

# What the layers below override (klipperiwc_site/upstream.py): a test fails when an upgrade changes it.
UPSTREAM = (
    UpstreamCode(
        "channels.layers:InMemoryChannelLayer._clean_expired",
        "channels",
        "4.3.2",
        "18160fc05c126ec1ef0a20daa0db0f63291cfa07923ca4a8b04e7415da8d8162",
        "ThrottledInMemoryChannelLayer skips this private sweep for up to sweep_interval: it must still only drop"
        " expired messages and group memberships, take no arguments, and be called from receive and group_send.",
    ),
    UpstreamCode(
        "channels_redis.core:RedisChannelLayer.create_pool",
        "channels_redis",
        "4.3.0",
        "2147ded1063ab6ce7bca64179f11c0a4369d3a0eb35545ecc6f69e4cc6c9a7ef",
        "RedisChannelLayer.create_pool replaces it, adding connection_options: it must still only build the pool"
        " of self.hosts[index].",
    ),
)


class ThrottledInMemoryChannelLayer(InMemoryChannelLayer):
    """channels' in-memory layer, sweeping expired messages at most once a second.

    The stock layer walks every channel on every receive; with 500 dashboard
    clients a single broadcast cost 250,000 steps. Messages still expire
    (after ``expiry`` seconds), just up to a second later.
    """

    sweep_interval = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.sweep_interval
        super()._clean_expired()


class ChannelLayerUnavailable(Exception):
    """The channel layer's server (Redis) does not answer; live updates cannot be delivered now."""


_layer_outage = OutageLog("Redis channel layer", log=logging.getLogger(__name__))
_consumer_database_outage = OutageLog("Database (for /ws consumers)", log=logging.getLogger(__name__))


class RedisChannelLayer(channels_redis.core.RedisChannelLayer):
    """channels_redis's layer, healing dead pooled connections and naming an outage.

    After a Redis restart every pooled connection is dead. redis-py drops one
    that fails, but without a retry policy the command that found it fails
    too: the first WebSocket handshake of each process answered 500. A few
    quick retries on a fresh connection heal that and ride out a blip.

    A Redis that stays away raises ChannelLayerUnavailable from everything
    but group_send: a consumer closes its socket with 4503 (try again
    later, ClosesWhenAServiceIsDown), and a broadcast is dropped (one
    warning per outage), since its clients are being closed and get the
    newest status when they reconnect.
    """

    connection_options = {
        "retry": AsyncRetry(ExponentialBackoff(cap=0.2, base=0.05), 2),
        "socket_connect_timeout": 2,
        # Longer than the blocking pop channels_redis waits on (brpop_timeout).
        "socket_timeout": channels_redis.core.RedisChannelLayer.brpop_timeout + 5,
    }

    def create_pool(self, index):
        return create_pool({**self.connection_options, **self.hosts[index]})

    @contextlib.contextmanager
    def _outage_raises(self):
        address = redis_address(self.hosts[0].get("address", "")) if self.hosts else "?"
        try:
            yield
        except REDIS_OUTAGE_ERRORS as error:
            _layer_outage.failed(address, error)
            raise ChannelLayerUnavailable(f"Redis at {address} does not answer ({type(error).__name__}).") from None
        _layer_outage.succeeded(address)
        self._group_send_paused_until = 0.0  # Redis answers: no reason to skip broadcasts

    async def send(self, channel, message):
        with self._outage_raises():
            return await super().send(channel, message)

    async def receive(self, channel):
        with self._outage_raises():
            return await super().receive(channel)

    async def group_add(self, group, channel):
        with self._outage_raises():
            return await super().group_add(group, channel)

    async def group_discard(self, group, channel):
        with self._outage_raises():
            return await super().group_discard(group, channel)

    # A broadcast runs on the request path (after the commit that stored the
    # status): after a failure, broadcasts skip Redis for this many seconds
    # (or until another operation succeeds) instead of each waiting out the
    # retries and timeouts.
    group_send_pause_seconds = 1.0
    _group_send_paused_until = 0.0

    async def group_send(self, group, message):
        if time.monotonic() < self._group_send_paused_until:
            return
        try:
            with self._outage_raises():
                await super().group_send(group, message)
        except ChannelLayerUnavailable:
            self._group_send_paused_until = time.monotonic() + self.group_send_pause_seconds

    async def flush(self):
        with self._outage_raises():
            return await super().flush()


class ClosesWhenAServiceIsDown:
    """Mixin for AsyncWebsocketConsumer: a channel layer or database outage closes the socket cleanly.

    Without it, a failing group_add or query in connect answered the
    handshake with 500, and a failing receive closed connected sockets with
    1011 and a traceback. Now the client gets an error message naming what is
    down and close code 4503 (unavailable, try again later), and the
    consumer's ``disconnect`` runs; a client that reconnects once the service
    is back joins its groups again, so live updates resume by themselves.
    """

    # 4000 + the HTTP status, as the consumers' other codes (4400, 4429): the
    # WebSocket code for "try again later" (1013) is one daphne cannot send.
    close_code_unavailable = 4503
    unavailable_details = {
        ChannelLayerUnavailable: (
            "Live updates are unavailable right now (the message broker does not answer); reconnect later."
        ),
        DATABASE_OUTAGE_ERRORS: "The database is unavailable right now; reconnect later.",
    }

    async def __call__(self, scope, receive, send):
        self._socket_state = "connecting"
        self._disconnect_ran = False
        try:
            await super().__call__(scope, receive, send)
        except (ChannelLayerUnavailable, *DATABASE_OUTAGE_ERRORS) as error:
            await self._close_unavailable(error)
            if not self._disconnect_ran:
                # The consumer's own clean-up (its background tasks end); leaving
                # the groups fails while Redis is away, and they expire anyway.
                with contextlib.suppress(ChannelLayerUnavailable, *DATABASE_OUTAGE_ERRORS):
                    await self.disconnect(self.close_code_unavailable)

    async def dispatch(self, message):
        # Closed here, before the error leaves the consumer: on its way out channels cancels the
        # consumer's wait on the channel layer, which with Redis can take until the layer's blocking
        # pop times out (5 s), as long as daphne waits for a handshake; a database outage during
        # the handshake then reached the client as a dropped connection instead of 4503.
        try:
            await super().dispatch(message)
        except (ChannelLayerUnavailable, *DATABASE_OUTAGE_ERRORS) as error:
            await self._close_unavailable(error)
            raise

    async def _close_unavailable(self, error):
        """The error message naming what is down and close 4503, once per socket."""
        if self._socket_state == "closed":
            return
        detail = next(text for kinds, text in self.unavailable_details.items() if isinstance(error, kinds))
        if not isinstance(error, ChannelLayerUnavailable):
            _consumer_database_outage.failed(database_address(), error)
        if self._socket_state == "connecting":
            await super().accept()  # so the client can read why
            self._socket_state = "open"
        await self.send(text_data=json.dumps({"type": "error", "detail": detail}))
        await self.close(code=self.close_code_unavailable)

    async def accept(self, *args, **kwargs):
        await super().accept(*args, **kwargs)
        self._socket_state = "open"

    async def close(self, *args, **kwargs):
        # A close before accept refuses the handshake (403); either way nothing more is sent.
        await super().close(*args, **kwargs)
        self._socket_state = "closed"

    async def websocket_disconnect(self, message):
        self._socket_state = "closed"
        self._disconnect_ran = True
        await super().websocket_disconnect(message)
