"""The bridge process's main loop: leases, one follower task per printer, the async ingest."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import time
from datetime import UTC, datetime

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from klipperiwc_site.outages import DATABASE_OUTAGE_ERRORS, OutageLog, database_address
from status.bridge.ingest import StatusIngest
from status.bridge.leases import bridge_holder_id, leases_release, leases_sync
from status.models import ConnectionState, Printer, PrinterState
from status.selectors import print_job_sync_since
from status.services import printer_connection_set
from status.sources import PrinterStatus
from status.sources.registry import source_for

logger = logging.getLogger(__name__)
_lease_outage = OutageLog("Database (bridge leases)", log=logger)

# A quiet printer (no diffs) is re-reported this often, so readers never take it for stale.
HEARTBEAT_SECONDS = 5.0
# A follow() that fails unexpectedly is restarted after this long (doubling up to the cap).
RESTART_FIRST_SECONDS = 1.0
RESTART_CAP_SECONDS = 30.0


class PrinterSink:
    """What one printer's source reports to (status.sources.base.SourceSink)."""

    def __init__(self, bridge: Bridge, printer: Printer) -> None:
        self.bridge = bridge
        self.printer = printer
        self.last_status: PrinterStatus | None = None
        self.last_report = time.monotonic()
        self._connection: tuple[str, str] | None = None

    async def status(self, status: PrinterStatus) -> None:
        self.last_status = status
        self.last_report = time.monotonic()
        await self.bridge.ingest.submit(self.printer, status)

    async def connection(self, state: str, message: str = "") -> None:
        if self._connection == (state, message):
            return
        self._connection = (state, message)
        try:
            await database_sync_to_async(printer_connection_set)(
                printer_id=self.printer.pk, state=state, message=message, bridge=self.bridge.holder
            )
        except Exception:
            self._connection = None  # written again with the next report
            logger.warning("Could not record the connection of printer %s", self.printer.slug, exc_info=True)

    async def jobs(self, jobs: list[dict]) -> None:
        from status.printer_services import print_jobs_record

        if jobs:
            try:
                await database_sync_to_async(print_jobs_record)(printer=self.printer, jobs=jobs)
            except Exception:
                logger.warning("Could not record %d job(s) of printer %s", len(jobs), self.printer.slug, exc_info=True)

    async def job_sync_since(self) -> float | None:
        return await database_sync_to_async(print_job_sync_since)(printer=self.printer)

    async def console(self, line: str, at: datetime) -> None:
        self.bridge.ingest.console_add(self.printer, line, at)


@dataclasses.dataclass
class _Follower:
    printer: Printer
    task: asyncio.Task
    sink: PrinterSink


class Bridge:
    def __init__(self, *, holder: str | None = None) -> None:
        self.holder = holder or bridge_holder_id()
        self.started_at = timezone.now()
        self.ingest = StatusIngest()
        self.followers: dict[int, _Follower] = {}
        self._stop = asyncio.Event()
        self._last_lease_ok = time.monotonic()
        self.ready = asyncio.Event()  # set after the first lease round

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        logger.info("Bridge %s started (BRIDGE_MODE=%s)", self.holder, settings.BRIDGE_MODE)
        ingest = asyncio.create_task(self.ingest.run(), name="bridge-ingest")
        heartbeat = asyncio.create_task(self._heartbeats(), name="bridge-heartbeat")
        reload_seconds = settings.BRIDGE_RELOAD_MS / 1000
        try:
            while not self._stop.is_set():
                await self._lease_round()
                self.ready.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=reload_seconds)
        finally:
            for pk in list(self.followers):
                await self._unfollow(pk)
            heartbeat.cancel()
            ingest.cancel()
            await asyncio.gather(heartbeat, ingest, return_exceptions=True)
            try:
                released = await database_sync_to_async(leases_release)(holder=self.holder)
            except Exception:
                released = 0
                logger.warning("Bridge %s could not give back its leases; they expire by themselves", self.holder)
            logger.info("Bridge %s stopped; gave back %d lease(s)", self.holder, released)

    async def _lease_round(self) -> None:
        try:
            lease_round = await database_sync_to_async(leases_sync)(holder=self.holder, started_at=self.started_at)
        except DATABASE_OUTAGE_ERRORS as exc:
            _lease_outage.failed(database_address(), exc)
            # Fencing: past two thirds of the lease another bridge may take our
            # printers over; stop following them before it can.
            if time.monotonic() - self._last_lease_ok > settings.BRIDGE_LEASE_SECONDS * 2 / 3 and self.followers:
                logger.warning(
                    "Bridge %s cannot renew its leases; stops following %d printer(s)", self.holder, len(self.followers)
                )
                for pk in list(self.followers):
                    await self._unfollow(pk)
            return
        _lease_outage.succeeded(database_address())
        self._last_lease_ok = time.monotonic()
        wanted = lease_round.printers
        for pk in list(self.followers):
            follower = self.followers[pk]
            printer = wanted.get(pk)
            if printer is None or printer.updated_at != follower.printer.updated_at:
                await self._unfollow(pk, disabled=printer is None and await self._is_disabled(pk))
        for pk, printer in wanted.items():
            if pk not in self.followers:
                self._follow(printer)
        if lease_round.claimed or lease_round.released:
            logger.info(
                "Bridge %s follows %d printer(s) (claimed %d, gave back %d; %d bridge(s) alive)",
                self.holder,
                len(self.followers),
                lease_round.claimed,
                lease_round.released,
                lease_round.live_bridges,
            )

    @database_sync_to_async
    def _is_disabled(self, pk: int) -> bool:
        return Printer.objects.filter(pk=pk, enabled=False).exists()

    def _follow(self, printer: Printer) -> None:
        sink = PrinterSink(self, printer)
        task = asyncio.create_task(self._run_follower(printer, sink), name=f"follow-{printer.slug}")
        self.followers[printer.pk] = _Follower(printer, task, sink)

    async def _unfollow(self, pk: int, *, disabled: bool = False) -> None:
        follower = self.followers.pop(pk)
        follower.task.cancel()
        await asyncio.gather(follower.task, return_exceptions=True)
        self.ingest.forget(pk)
        if disabled:
            await follower.sink.connection(ConnectionState.DISABLED, "The printer is disabled.")
            await self.ingest.submit(
                follower.printer,
                PrinterStatus(
                    state=PrinterState.OFFLINE,
                    message="The printer is disabled.",
                    uptime_seconds=0,
                    updated_at=datetime.now(UTC),
                ),
            )

    async def _run_follower(self, printer: Printer, sink: PrinterSink) -> None:
        delay = RESTART_FIRST_SECONDS
        while True:
            started = time.monotonic()
            try:
                source = source_for(printer)
                await sink.connection(ConnectionState.CONNECTING, "")
                await source.follow(sink)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.exception("Following printer %s failed; trying again in %.0f s", printer.slug, delay)
                await sink.connection(
                    ConnectionState.UNREACHABLE, f"The bridge failed to follow it ({type(exc).__name__})."
                )
            if time.monotonic() - started > RESTART_CAP_SECONDS:
                delay = RESTART_FIRST_SECONDS
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 (jitter, not security)
            delay = min(delay * 2, RESTART_CAP_SECONDS)

    async def _heartbeats(self) -> None:
        """Re-report a printer whose source has said nothing for HEARTBEAT_SECONDS (same status, new time)."""
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS / 2)
            now = time.monotonic()
            for follower in list(self.followers.values()):
                sink = follower.sink
                if sink.last_status is not None and now - sink.last_report >= HEARTBEAT_SECONDS:
                    await sink.status(dataclasses.replace(sink.last_status, updated_at=datetime.now(UTC)))
