"""The one place that sends status events to /ws/status clients.

Every status goes to one group, STATUS_GROUP, that every /ws/status
consumer joins; a consumer following some printers drops the others by the
printer name beside each message (no JSON parsing). Statuses sent from the
event loop (the bridge) are batched: one sender task per loop takes
whatever is queued and sends it as one "status.batch" event, so a farm's
statuses cost one group send per batch, not two per status (the channel
layer's sends were most of the bridge's CPU at 200 printers). A failing
channel layer is logged, never raised into the caller.

Connection changes (``{"type": "connection", ...}``) ride in the same
batches with no seq (a consumer's per-printer seq check is for statuses
only), so a client gets them in order with the statuses around them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import weakref
from collections import deque
from typing import TYPE_CHECKING

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from klipperiwc_site import metrics
from status.payloads import connection_message, status_message

if TYPE_CHECKING:
    from datetime import datetime

    from status.models import Printer
    from status.sources import PrinterStatus

logger = logging.getLogger(__name__)

STATUS_GROUP = "status"


def status_event(*, text: str, printer: str | None = None, seq: int | None = None) -> dict:
    """The group event "status.message": the JSON ``text`` a client gets, and beside it the printer
    and seq it carries, so that a consumer can drop a repeat without parsing the text."""
    return {"type": "status.message", "text": text, "printer": printer, "seq": seq}


def status_send_many(deliveries: list[tuple[str, dict]]) -> bool:
    """Send each (group, status_event) to its clients in every daphne process, in one trip to the event loop."""

    async def send_all() -> None:
        layer = get_channel_layer()
        for group, event in deliveries:
            await layer.group_send(group, event)

    messages = sum(len(event.get("messages", ())) or 1 for _, event in deliveries)
    try:
        async_to_sync(send_all)()
    except Exception:
        logger.exception("Broadcast of %d status message(s) failed", len(deliveries))
        metrics.broadcast_counted(sent=False, messages=messages, sends=len(deliveries))
        return False
    metrics.broadcast_counted(sent=True, messages=messages, sends=len(deliveries))
    return True


def status_batch_event(messages: list[tuple[str, int | None, str]]) -> dict:
    """The group event "status.batch": [(printer, seq, JSON text), ...], each text one client message.

    seq is None for a message that is not a status (a connection change)."""
    return {"type": "status.batch", "messages": [list(message) for message in messages]}


def _serialised(statuses: list[tuple[Printer, PrinterStatus]]) -> list[tuple[str, int | None, str]]:
    messages = []
    for printer, status in statuses:
        message = status_message(printer=printer, status=status)
        # Serialised once here, not once per client.
        messages.append((printer.slug, message["seq"], json.dumps(message)))
    return messages


def status_deliveries(statuses: list[tuple[Printer, PrinterStatus]]) -> list[tuple[str, dict]]:
    """The (group, event) pairs that send these statuses to every client that follows their printers."""
    return [(STATUS_GROUP, status_batch_event(_serialised(statuses)))] if statuses else []


def status_send_now(statuses: list[tuple[Printer, PrinterStatus]]) -> bool:
    """Broadcast now, from sync code (not tied to a transaction: the ingest never waits for storing)."""
    return status_send_many(status_deliveries(statuses))


async def status_send_async(statuses: list[tuple[Printer, PrinterStatus]]) -> None:
    """Broadcast from the event loop: queued for this loop's sender, which sends at once what has gathered."""
    loop = asyncio.get_running_loop()
    sender = _senders.get(loop)
    if sender is None:
        sender = _senders[loop] = _BatchSender()
    sender.put(_serialised(statuses))


# (printer slug, state, message, since) of a connection change.
ConnectionChange = tuple[str, str, str, "datetime"]


def _connection_serialised(changes: list[ConnectionChange]) -> list[tuple[str, int | None, str]]:  # seq None
    return [
        (slug, None, json.dumps(connection_message(printer=slug, state=state, message=message, since=since)))
        for slug, state, message, since in changes
    ]


def connection_send_async(changes: list[ConnectionChange]) -> None:
    """Broadcast connection changes from the event loop (the bridge, once they are stored), in the status batches."""
    if changes:
        loop = asyncio.get_running_loop()
        sender = _senders.get(loop)
        if sender is None:
            sender = _senders[loop] = _BatchSender()
        sender.put(_connection_serialised(changes))


def connection_broadcast_on_commit(changes: list[ConnectionChange]) -> None:
    """After commit, send connection changes from sync code (the group event the bridge's batches use)."""
    if changes:
        deliveries = [(STATUS_GROUP, status_batch_event(_connection_serialised(changes)))]
        transaction.on_commit(lambda: status_send_many(deliveries), robust=True)


class _BatchSender:
    """One per event loop: sends everything queued since its last send as one event."""

    def __init__(self) -> None:
        self.queued: list[tuple[str, int | None, str]] = []
        self.wake = asyncio.Event()
        self.task = asyncio.ensure_future(self._run())

    def put(self, messages: list[tuple[str, int | None, str]]) -> None:
        self.queued.extend(messages)
        self.wake.set()

    async def _run(self) -> None:
        layer = get_channel_layer()
        while True:
            await self.wake.wait()
            self.wake.clear()
            batch, self.queued = self.queued, []
            if not batch:
                continue
            try:
                await layer.group_send(STATUS_GROUP, status_batch_event(batch))
            except Exception:
                logger.exception("Broadcast of %d status message(s) failed", len(batch))
                metrics.broadcast_counted(sent=False, messages=len(batch))
            else:
                metrics.broadcast_counted(sent=True, messages=len(batch))
            if asyncio.current_task().cancelling():  # type: ignore[union-attr]  # in a task: ensure_future
                # A cancel that came during group_send can be swallowed underneath, and
                # group_send then returns: this loop went on waiting for the next batch and the
                # loop's close waited for it (the scaled run's teardown hang: a task "cancelling",
                # yet waiting on self.wake).
                raise asyncio.CancelledError


_senders: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _BatchSender] = weakref.WeakKeyDictionary()


class BroadcastCoalescer:
    """At most ``per_second`` broadcasts per printer in any second; what comes in between goes out once, as the newest.

    A sliding window: a status is sent at once unless the printer already had
    ``per_second`` broadcasts within the last second; then it waits until the
    oldest of them is a second old, later ones replace it, and the newest is
    sent then (the trailing edge), so the last change always reaches clients.
    A printer pushing 4 diffs a second is never delayed (a fixed 250 ms gap
    held back every diff that came a little early by nearly 250 ms). A state
    change is never held back. Works from the event loop
    (``offer_async``, the bridge) and from request threads (``offer``): their
    delayed sends run on the process's main event loop, the one the
    in-process channel layer lives on. Where there is none (a management
    command, a test's client), a sync offer is sent at once.
    """

    def __init__(self, per_second: int = 4) -> None:
        self.per_second = per_second
        self._lock = threading.Lock()
        self._sent: dict[int, deque[float]] = {}  # printer pk -> status times (Unix seconds) of its last broadcasts
        self._state: dict[int, str] = {}  # printer pk -> state of its last broadcast
        self._pending: dict[int, tuple[Printer, PrinterStatus]] = {}
        self._timers: set[int] = set()
        self._tasks: set[asyncio.Future] = set()

    def forget(self) -> None:
        with self._lock:
            self._sent.clear()
            self._state.clear()
            self._pending.clear()
            self._timers.clear()

    def _decide(self, printer: Printer, status: PrinterStatus) -> float | None:
        """None: send now (and it counts as sent); else seconds until the pending one is due.

        The window counts in the statuses' own times (when the source saw
        them), not in send times: a status held back by a burst is recorded
        at its own time, so a source pushing at the limit falls back into
        step at once instead of every fourth status waiting for good. The
        price: in the second after a held status went out, one more
        broadcast than the limit can go out (bench/bridge_bench.py: p99
        latency 200 ms -> a few ms at 4 diffs a second).
        """
        now = status.updated_at.timestamp()
        sent = self._sent.setdefault(printer.pk, deque(maxlen=self.per_second))
        changed = self._state.get(printer.pk, status.state) != status.state
        if changed or len(sent) < self.per_second or now - sent[0] >= 1.0:
            self._note_sent(printer.pk, status.state, now)
            self._pending.pop(printer.pk, None)
            return None
        self._pending[printer.pk] = (printer, status)
        return max(0.0, sent[0] + 1.0 - now)

    def _note_sent(self, printer_id: int, state: str, now: float) -> None:
        self._sent.setdefault(printer_id, deque(maxlen=self.per_second)).append(now)
        self._state[printer_id] = state

    def offer(self, printer: Printer, status: PrinterStatus) -> None:
        loop = _main_event_loop()
        with self._lock:
            if loop is not None:
                delay = self._decide(printer, status)
            else:
                delay = None
                self._note_sent(printer.pk, status.state, status.updated_at.timestamp())
            start_timer = delay is not None and printer.pk not in self._timers
            if start_timer:
                self._timers.add(printer.pk)
        if delay is None:
            status_send_now([(printer, status)])
        elif start_timer and loop is not None:  # a timer starts only with a loop to run it
            loop.call_soon_threadsafe(loop.call_later, delay, self._flush_soon, printer.pk)

    async def offer_async(self, printer: Printer, status: PrinterStatus) -> None:
        with self._lock:
            delay = self._decide(printer, status)
            start_timer = delay is not None and printer.pk not in self._timers
            if start_timer:
                self._timers.add(printer.pk)
        if delay is None:
            await status_send_async([(printer, status)])
        elif start_timer:
            asyncio.get_running_loop().call_later(delay, self._flush_soon, printer.pk)

    def _flush_soon(self, printer_id: int) -> None:
        task = asyncio.ensure_future(self._flush(printer_id))
        # The loop keeps only weak references to tasks.
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush(self, printer_id: int) -> None:
        with self._lock:
            self._timers.discard(printer_id)
            pending = self._pending.pop(printer_id, None)
            if pending is not None:
                self._note_sent(printer_id, pending[1].state, pending[1].updated_at.timestamp())
        if pending is not None:
            await status_send_async([pending])


def _main_event_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop a request thread was started from (daphne's), if this thread has one."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return loop if loop.is_running() else None


coalescer = BroadcastCoalescer()


def status_broadcast_on_commit(statuses: list[tuple[Printer, PrinterStatus]]) -> None:
    """After commit, send each status to the clients following all printers and that one."""
    deliveries = status_deliveries(statuses)
    transaction.on_commit(lambda: status_send_many(deliveries), robust=True)
