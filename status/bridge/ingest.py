"""The async form of the status ingest, for the bridge: many printers, many statuses a second.

``submit`` is called from each printer's task for every status its source
reports. It broadcasts at once (coalesced to BROADCASTS_PER_SECOND per
printer, status/broadcast.py) and only notes what to keep; two flush tasks
write the notes in batches across printers, off the event loop:
- every FLUSH_SECONDS the latest statuses (one cache set_many) and console lines;
- every STORE_SECONDS the snapshots due (one snapshots_record transaction for
  the whole farm): at most one per STATUS_HISTORY_MIN_INTERVAL_MS per
  printer, plus every state change.
Broadcasting never waits for either: a slow or failing database or cache
delays history, not the live view.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from klipperiwc_site.outages import DATABASE_OUTAGE_ERRORS, OutageLog, database_address
from status.broadcast import coalescer
from status.console import console_append
from status.models import Printer
from status.services import LatestStatus, last_recorded_get, last_recorded_note, latest_keep_many, snapshots_record
from status.sources import PrinterStatus

logger = logging.getLogger(__name__)
_store_outage = OutageLog("Database (status history from the bridge)", log=logger)

FLUSH_SECONDS = 0.25
STORE_SECONDS = 0.5


@dataclass
class _Due:
    printer: Printer
    status: PrinterStatus
    state_changed: bool


class StatusIngest:
    def __init__(self, *, store_thread=None) -> None:
        # Where the history batches run (a DatabaseThread); by default channels' database thread.
        self._run_store = (
            store_thread.run if store_thread is not None else (lambda f, *a: database_sync_to_async(f)(*a))
        )
        self._latest: dict[int, LatestStatus] = {}
        self._dirty: set[int] = set()
        self._console: dict[int, list[tuple[datetime, str]]] = {}
        self._due: list[_Due] = []
        # printer pk -> (time of the last status queued for storing, its state)
        self._queued: dict[int, tuple[datetime, str]] = {}
        self.snapshots_written = 0

    async def submit(self, printer: Printer, status: PrinterStatus) -> None:
        now = timezone.now()
        self._latest[printer.pk] = LatestStatus(status=status, reported_at=now)
        self._dirty.add(printer.pk)
        await coalescer.offer_async(printer, status)
        interval = timedelta(milliseconds=settings.STATUS_HISTORY_MIN_INTERVAL_MS)
        last = self._queued.get(printer.pk)
        state_changed = last is not None and last[1] != status.state
        if last is None or state_changed or status.updated_at - last[0] >= interval:
            self._queued[printer.pk] = (status.updated_at, status.state)
            self._due.append(_Due(printer, status, state_changed))

    def console_add(self, printer: Printer, line: str, at: datetime) -> None:
        self._console.setdefault(printer.pk, []).append((at, line))

    def latest(self, printer_id: int) -> LatestStatus | None:
        return self._latest.get(printer_id)

    def forget(self, printer_id: int) -> None:
        """Drop a printer this bridge no longer follows (its next follower starts afresh)."""
        self._latest.pop(printer_id, None)
        self._queued.pop(printer_id, None)
        self._dirty.discard(printer_id)

    async def run(self) -> None:
        """The two flush loops, until cancelled (then one last flush)."""
        try:
            await asyncio.gather(
                self._loop(self.flush_latest, FLUSH_SECONDS), self._loop(self.flush_store, STORE_SECONDS)
            )
        finally:
            await asyncio.shield(self.flush())

    async def _loop(self, flush, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            await flush()

    async def flush(self) -> None:
        await self.flush_latest()
        await self.flush_store()

    async def flush_latest(self) -> None:
        latest = {pk: self._latest[pk] for pk in self._dirty if pk in self._latest}
        self._dirty.clear()
        console, self._console = self._console, {}
        if latest or console:
            # The cache, not the database: off the database thread, so a slow store never delays it.
            await sync_to_async(_keep_latest, thread_sensitive=False)(latest, console)

    async def flush_store(self) -> None:
        due, self._due = self._due, []
        if due:
            self.snapshots_written += await self._run_store(_store, due)


def _keep_latest(latest: dict[int, LatestStatus], console: dict[int, list[tuple[datetime, str]]]) -> None:
    try:
        latest_keep_many(entries=latest)
        for printer_id, lines in console.items():
            console_append(printer_id=printer_id, lines=lines)
    except Exception:  # the cache is down: readers fall back to the database
        logger.warning("Could not keep the latest status of %d printer(s) in the cache", len(latest), exc_info=True)


def _store(due: list[_Due]) -> int:
    """Store what is due in one transaction; skip what another process stored within the interval."""
    interval = timedelta(milliseconds=settings.STATUS_HISTORY_MIN_INTERVAL_MS)
    elsewhere = last_recorded_get(printer_ids=list({item.printer.pk for item in due}))
    items = [
        (item.printer, item.status)
        for item in due
        if item.state_changed
        or item.printer.pk not in elsewhere
        or abs(item.status.updated_at - elsewhere[item.printer.pk]) >= interval
    ]
    if not items:
        return 0
    try:
        snapshots_record(items=items, broadcast=False)
    except DATABASE_OUTAGE_ERRORS as exc:
        _store_outage.failed(database_address(), exc)
        return 0
    except Exception:
        # A printer deleted meanwhile (its foreign key) fails the batch: store the others one by one.
        stored = 0
        for printer, status in items:
            try:
                snapshots_record(items=[(printer, status)], broadcast=False)
                stored += 1
            except Exception:
                logger.warning("Could not store the status of printer %s", printer.slug, exc_info=True)
        return stored
    _store_outage.succeeded(database_address())
    last_recorded_note(printer_ids_at={printer.pk: status.updated_at for printer, status in items})
    return len(items)
