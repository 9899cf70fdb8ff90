"""What a new /ws/status client gets first, read once for every client that connects at the same moment.

A client joins its groups and then needs the newest status and the connection of
each printer it follows. Read per client, that was a printer query plus a cache
read per printer on the one database thread of the process (channels'
``database_sync_to_async``): 1,000 clients connecting at once queued there past
daphne's handshake timeout, were refused with 403, retried, and kept the queue
full (bench/RESULTS.md, soak). Now one read serves every client that joined its
groups before the read began, so a burst of connects costs a read or two.

Why a shared read is still complete: a client that joined its groups at moment J
gets every status stored after J as a broadcast; a read that began at S >= J
holds everything stored before S. So a client may use any read that began after
it joined, never one that began before.
"""

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from channels.db import database_sync_to_async

from status.models import Printer
from status.payloads import connection_message, status_message
from status.printer_selectors import printer_connection
from status.selectors import status_current, status_latest
from status.sources.registry import source_pushes

T = TypeVar("T")


@dataclass(frozen=True)
class PrinterFirstMessages:
    slug: str
    status: tuple[int, str] | None  # (seq, JSON text) of the newest status; None: none yet
    connection_text: str


@dataclass
class _Run(Generic[T]):
    began: float
    loop: asyncio.AbstractEventLoop
    task: asyncio.Future


class SharedRead(Generic[T]):
    """``read`` (synchronous, on the database thread) run once for every caller waiting at the same time.

    ``await shared.began_after(moment)`` answers the result of a run that began at or
    after ``moment`` (``time.monotonic()``): the newest run when it qualifies, else a new
    run, started once the one running now has ended (at most one run at a time). A
    run's error reaches each of its callers.
    """

    def __init__(self, read: Callable[[], T]):
        self._read = database_sync_to_async(read)
        self._newest: _Run[T] | None = None

    async def began_after(self, moment: float) -> T:
        loop = asyncio.get_running_loop()
        while True:
            newest = self._newest
            if newest is not None and newest.loop is not loop:
                newest = None  # a run of another event loop (tests run several): not ours to await
            if newest is not None and newest.began >= moment:
                # Shielded: a caller that goes away (its client hung up) leaves the run to the others.
                return await asyncio.shield(newest.task)
            if newest is not None and not newest.task.done():
                with contextlib.suppress(Exception):
                    await asyncio.shield(newest.task)
                continue
            run: _Run[T] = _Run(began=time.monotonic(), loop=loop, task=asyncio.ensure_future(self._read()))
            # A run nobody awaits any more still ends; its error must not be "never retrieved".
            run.task.add_done_callback(lambda task: task.cancelled() or task.exception())
            self._newest = run


def read_first_messages() -> dict[str, PrinterFirstMessages]:
    """Every enabled printer's first messages for a new client, by slug (JSON text, serialised once)."""
    first: dict[str, PrinterFirstMessages] = {}
    for printer in Printer.objects.filter(enabled=True).select_related("connection"):
        message: dict | None
        if source_pushes(printer):
            # As GET /api/status answers: offline once the bridge has been silent too long.
            message = status_message(printer=printer, status=status_current(printer=printer))
        else:
            latest = status_latest(printer=printer)
            message = None if latest is None else status_message(printer=printer, status=latest[1], seq=latest[0])
        link = printer_connection(printer=printer)
        connection = connection_message(
            printer=printer.slug, state=link["state"], message=link["message"], since=link["since"]
        )
        first[printer.slug] = PrinterFirstMessages(
            slug=printer.slug,
            status=None if message is None else (message["seq"], json.dumps(message)),
            connection_text=json.dumps(connection),
        )
    return first


first_messages = SharedRead(read_first_messages)
