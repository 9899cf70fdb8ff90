"""The /ws/status WebSocket.

On connect a client gets the newest stored status of each printer it follows
(``?printer=a,b``; default: all), then one connection message per followed
printer (every one of them, "connected" too: a client that reconnects after
a gap then drops a problem that cleared meanwhile, without asking
GET /api/printers/), then every new status as
``{"type": "status", "seq": n, "printer": slug, "payload": {...}}`` and every
change of a printer's connection (stored by the bridge) as
``{"type": "connection", "printer": slug, "connection": {"state", "message",
"since"}}``, the same object as GET /api/printers/ ``connection`` without
``bridge``.

With STATUS_WS_TOKEN set, a client without ``?token=<it>`` or a personal API
key (or with a wrong one) is accepted, sent ``{"type": "error", "detail": ...}`` and closed with
4401, so that a browser can tell "the token is needed" from a network
failure (a refused handshake reaches a page as a bare 1006). A wrong token
counts as a failed credential of the client's address (klipperiwc_site/
guessing.py); a locked-out address gets ``{"type": "error", "detail": ...,
"retry_after": seconds}`` and close code 4423 for any token, right or wrong.
``{"type": "ping"}`` is answered with ``{"type": "pong"}``. A client that sends
anything else (including JSON nested deeper than json_limits allows), or more
than STATUS_WS_MAX_MESSAGES_PER_MINUTE messages, is closed (4400 / 4429); the
others keep receiving. Each process receives a status once (status/fanout.py) and
writes it to each of its clients at once.
"""

import contextlib
import hmac
import json
import time
from collections import deque
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from autobahn.exception import Disconnected
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from accounts import api_keys
from accounts.roles import Role, user_has_role
from klipperiwc_site import guessing, metrics
from klipperiwc_site.channel_layers import ClosesWhenAServiceIsDown
from klipperiwc_site.json_limits import JsonTooDeep, json_loads_limited
from status.fanout import status_fanout
from status.first_messages import first_messages

CLOSE_BAD_MESSAGE = 4400
CLOSE_TOKEN_NEEDED = 4401
LOCKED_DETAIL = (
    "This WebSocket needs ?token=<STATUS_WS_TOKEN> (the server's configured token); "
    "the token was missing or wrong. Connect again with it."
)
CLOSE_UNKNOWN_PRINTER = 4404
API_KEY_START = f"{api_keys.KEY_PREFIX}_"
CLOSE_TOO_MANY_MESSAGES = 4429
# Status events that may wait while a client's first messages are read and sent.
OUTBOX_LIMIT = 500


def token_accepted(presented: str | None) -> bool:
    expected = settings.STATUS_WS_TOKEN
    if not expected:
        return True  # open, as the product description promises, until a token is configured
    return presented is not None and hmac.compare_digest(presented.encode(), expected.encode())


def judge_token(scope: dict, presented: str | None) -> guessing.Verdict:
    """token_accepted, with a wrong token counted against the client's address (klipperiwc_site/guessing.py).

    No token, or none configured, is not a guess: neither counted nor refused for a lockout.
    A personal API key (``kiwc_...``, accounts/api_keys.py) of an account with any role opens it too
    (this reads the database).
    """
    if not settings.STATUS_WS_TOKEN or not presented:
        return guessing.Verdict(accepted=token_accepted(presented))
    if presented.startswith(API_KEY_START):
        verdict, key = api_keys.judge_key(guessing.scope_request(scope), presented)
        if key is not None and not any(user_has_role(key.user, role) for role in Role):
            # A key of an account without a role (a fresh sign-up) does not open what the token guards.
            return guessing.Verdict(accepted=False)
        return verdict
    return guessing.judge(
        guessing.scope_request(scope), credential="?token=", matches=lambda: token_accepted(presented)
    )


# ClosesWhenAServiceIsDown: while Redis or the database is down a handshake
# or an open socket ends with close 4503 and an error message, never 500 / 1011.
class StatusConsumer(ClosesWhenAServiceIsDown, AsyncWebsocketConsumer):
    async def connect(self):
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        verdict = await self._judge_token((query.get("token") or [None])[0])
        if not verdict.accepted:
            # Accepted first, so the page reads why (a refused handshake looks like a network failure).
            await self.accept()
            if verdict.locked_for is not None:
                detail = guessing.lockout_detail(verdict.locked_for)
                await self.send_json({"type": "error", "detail": detail, "retry_after": verdict.locked_for})
                await self.close(code=guessing.CLOSE_LOCKED_OUT)
                metrics.WEBSOCKET_CONNECTIONS.labels(outcome="locked_out").inc()
            else:
                await self.send_json({"type": "error", "detail": LOCKED_DETAIL})
                await self.close(code=CLOSE_TOKEN_NEEDED)
                metrics.WEBSOCKET_CONNECTIONS.labels(outcome="token_refused").inc()
            return
        wanted = [slug.strip() for value in query.get("printer", []) for slug in value.split(",") if slug.strip()]
        self.received = deque()
        # Every status reaches this process once (status/fanout.py); a client following some printers
        # drops the others' (status_batch).
        self.following = set(wanted) if wanted else None
        # Newest seq sent per printer. The consumer is registered with the fan-out
        # before the newest status is read, so no status stored meanwhile is missed;
        # a broadcast of one that was read (or an older one) waits in the outbox
        # until the first messages are out, and is dropped in status_message.
        self.last_seq: dict[str, int] = {}
        self.outbox: deque[dict] | None = deque(maxlen=OUTBOX_LIMIT)
        self.fanout = status_fanout()
        await self.fanout.register(self)
        registered = time.monotonic()
        await self.accept()
        # Shared with every client that connects at the same moment (status/first_messages.py).
        first = await first_messages.began_after(registered)
        missing = sorted(set(wanted) - first.keys())
        if missing:
            await self.send_json({"type": "error", "detail": f"Unknown printer(s): {', '.join(missing)}."})
            await self.close(code=CLOSE_UNKNOWN_PRINTER)
            metrics.WEBSOCKET_CONNECTIONS.labels(outcome="unknown_printer").inc()
            return
        self.counted_open = metrics.websocket_opened()
        followed = [first[slug] for slug in (dict.fromkeys(wanted) if wanted else first)]
        for printer in followed:
            if printer.status is not None:
                self.last_seq[printer.slug], text = printer.status
                await self.send(text_data=text)
        for printer in followed:
            await self.send(text_data=printer.connection_text)
        # Then what arrived meanwhile, and from now on each event as it arrives.
        while self.outbox:
            await self._forward(self.outbox.popleft())
        self.outbox = None

    async def disconnect(self, code):
        if getattr(self, "counted_open", False):
            self.counted_open = metrics.websocket_closed()
        if getattr(self, "fanout", None):
            self.fanout.unregister(self)

    async def status_event_arrived(self, event: dict) -> None:
        """A status event from the fan-out: forwarded now, or once the first messages are out."""
        if self.outbox is not None:
            self.outbox.append(event)  # full (a connect that takes long): the oldest goes
            return
        await self._forward(event)

    async def _forward(self, event: dict) -> None:
        if event.get("type") == "status.batch":
            await self.status_batch(event)
        elif event.get("type") == "status.message":
            await self.status_message(event)

    async def receive(self, text_data=None, bytes_data=None):
        now = time.monotonic()
        self.received.append(now)
        while self.received and now - self.received[0] > 60:
            self.received.popleft()
        if len(self.received) > settings.STATUS_WS_MAX_MESSAGES_PER_MINUTE:
            await self.close(code=CLOSE_TOO_MANY_MESSAGES)
            return
        detail = 'Unknown message; the only message is {"type": "ping"}.'
        try:
            content = json_loads_limited(text_data) if text_data is not None else None
        except JsonTooDeep as exc:
            content, detail = None, str(exc)
        except ValueError:
            content = None
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_json({"type": "error", "detail": detail})
        await self.close(code=CLOSE_BAD_MESSAGE)

    async def status_batch(self, event):
        """Group event "status.batch": [(printer, seq, text), ...]; each text goes out as its own message."""
        following = self.following
        for printer, seq, text in event["messages"]:
            if following is not None and printer not in following:
                continue
            if seq is not None:  # None: not a status (a connection change), always forwarded
                if seq <= self.last_seq.get(printer, -1):
                    continue
                self.last_seq[printer] = seq
            await self.send(text_data=text)

    async def status_message(self, event):
        """Group event "status.message": forward its text (JSON, serialised once by the sender).

        Each seq reaches a client at most once and in increasing order per printer.
        """
        printer, seq = event.get("printer"), event.get("seq")
        if self.following is not None and printer not in self.following:
            return
        if printer is not None and seq is not None:
            if seq <= self.last_seq.get(printer, -1):
                return
            self.last_seq[printer] = seq
        await self.send(text_data=event["text"])

    async def send(self, text_data=None, bytes_data=None, close=False):
        # A client's close can cross a message on its way out: daphne's WebSocket (autobahn) then
        # refuses the send before daphne has told the consumer, and the error ended the consumer
        # with "Exception inside application" in the log. There is no one left to deliver to; the
        # disconnect that follows cleans up.
        with contextlib.suppress(Disconnected):
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))

    async def _judge_token(self, presented):
        if not settings.STATUS_WS_TOKEN or not presented:
            return judge_token(self.scope, presented)  # no cache involved: stay on the event loop
        if presented.startswith(API_KEY_START):
            return await database_sync_to_async(judge_token)(self.scope, presented)
        # The counter is in Django's (synchronous) cache; not the shared thread: it touches no database.
        return await sync_to_async(judge_token, thread_sensitive=False)(self.scope, presented)
