"""The bridge process's main loop: leases, one follower task per printer, the async ingest.

Database work runs on three threads of its own (status/bridge/threads.py):
leases, history, and the rest (connection states, job records). A follower
never waits for the database: its connection states and job records are
queued and written by one writer task, which keeps what failed and tries it
again, so an outage delays them and loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import time
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from klipperiwc_site import metrics
from klipperiwc_site.outages import DATABASE_OUTAGE_ERRORS, OutageLog, database_address
from status.bridge.ingest import StatusIngest
from status.bridge.leases import HolderInUse, bridge_holder_id, leases_give_back, leases_release, leases_sync
from status.bridge.threads import DatabaseThread
from status.broadcast import connection_send_async
from status.models import ConnectionState, Printer, PrinterState
from status.selectors import print_job_sync_since
from status.services import printer_connection_set
from status.sources import PrinterStatus
from status.sources.registry import source_class, source_for

logger = logging.getLogger(__name__)
_lease_outage = OutageLog("Database (bridge leases)", log=logger)
_writes_outage = OutageLog("Database (bridge connection states and jobs)", log=logger)

# A quiet printer (no diffs) is re-reported this often, so readers never take it for stale.
HEARTBEAT_SECONDS = 5.0
# A follow() that fails unexpectedly is restarted after this long (doubling up to the cap).
RESTART_FIRST_SECONDS = 1.0
RESTART_CAP_SECONDS = 30.0
# Queued connection states and job records are written this often.
WRITES_SECONDS = 0.2


class PrinterSink:
    """What one printer's source reports to (status.sources.base.SourceSink)."""

    def __init__(self, bridge: Bridge, printer: Printer) -> None:
        self.bridge = bridge
        self.printer = printer
        self.last_status: PrinterStatus | None = None
        self.last_report = time.monotonic()
        self._connection: tuple[str, str] | None = None
        self.was_connected = False  # once connected, a later "connected" is a reconnect (metrics)

    async def status(self, status: PrinterStatus) -> None:
        self.last_status = status
        self.last_report = time.monotonic()
        await self.bridge.ingest.submit(self.printer, status)

    async def connection(self, state: str, message: str = "") -> None:
        if self._connection == (state, message):
            return
        previous = self._connection[0] if self._connection else None
        self.was_connected = metrics.bridge_connection_counted(
            printer=self.printer.slug, state=state, previous=previous, was_connected=self.was_connected
        )
        self._connection = (state, message)
        self.bridge.writes.connection(self.printer.pk, state, message, slug=self.printer.slug)

    async def jobs(self, jobs: list[dict]) -> None:
        self.bridge.writes.jobs(self.printer, jobs)

    async def job_sync_since(self) -> float | None:
        try:
            return await self.bridge.misc_thread.run(print_job_sync_since, printer=self.printer)
        except Exception as exc:
            # Read everything again: the records are upserts, a full read only costs time.
            logger.warning(
                "Printer %s: could not read its newest job (%s); reading all its history", self.printer.slug, exc
            )
            return None

    async def console(self, line: str, at: datetime) -> None:
        self.bridge.ingest.console_add(self.printer, line, at)

    async def offline(self, message: str) -> None:
        """The follower stopped: report it offline once, and stop the heartbeats of its last status."""
        self.last_status = None
        await self.bridge.ingest.submit(
            self.printer,
            PrinterStatus(state=PrinterState.OFFLINE, message=message, uptime_seconds=0, updated_at=datetime.now(UTC)),
        )


class QueuedWrites:
    """Connection states and job records from every follower, written in batches; failures stay queued."""

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge
        self._connections: dict[int, tuple[str, str, datetime]] = {}
        self._slugs: dict[int, str] = {}
        # printer pk -> (state, message) last broadcast: a follower started again (a printer change)
        # that reports the same as before tells clients nothing new.
        self._broadcast: dict[int, tuple[str, str]] = {}
        self._jobs: dict[int, tuple[Printer, dict[str, dict]]] = {}

    def connection(self, printer_id: int, state: str, message: str, *, slug: str = "") -> None:
        self._connections[printer_id] = (state, message, timezone.now())
        if slug:
            self._slugs[printer_id] = slug

    def jobs(self, printer: Printer, jobs: list[dict]) -> None:
        _, pending = self._jobs.setdefault(printer.pk, (printer, {}))
        for job in jobs:
            # Keyed by job id: a newer report of a job replaces an older one still waiting.
            pending[str(job.get("job_id")) if isinstance(job, dict) else repr(job)] = job

    def forget(self, printer_id: int) -> None:
        self._jobs.pop(printer_id, None)

    async def run(self) -> None:
        try:
            while True:
                await asyncio.sleep(WRITES_SECONDS)
                await self.flush()
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(self.flush())

    async def flush(self) -> None:
        connections, self._connections = self._connections, {}
        jobs, self._jobs = self._jobs, {}
        if not connections and not jobs:
            return
        failed_connections, failed_jobs = await self.bridge.misc_thread.run(self._write, connections, jobs)
        # Stored (committed): /ws/status clients hear of each change, in the status batches.
        changes = []
        for pk, (state, message, at) in connections.items():
            if pk in failed_connections or pk not in self._slugs or self._broadcast.get(pk) == (state, message):
                continue
            self._broadcast[pk] = (state, message)
            changes.append((self._slugs[pk], state, message[:500], at))
        connection_send_async(changes)
        # What failed goes back unless something newer came meanwhile.
        for pk, value in failed_connections.items():
            self._connections.setdefault(pk, value)
        for pk, (printer, pending) in failed_jobs.items():
            if pk not in self.bridge.followers:
                continue
            _, newer = self._jobs.setdefault(pk, (printer, {}))
            for key, job in pending.items():
                newer.setdefault(key, job)

    def _write(self, connections, jobs):
        from status.printer_services import print_jobs_record

        failed_connections, failed_jobs = {}, {}
        for pk, (state, message, at) in connections.items():
            try:
                printer_connection_set(
                    printer_id=pk, state=state, message=message, bridge=self.bridge.holder, now=at, broadcast=False
                )
            except DATABASE_OUTAGE_ERRORS as exc:
                _writes_outage.failed(database_address(), exc)
                failed_connections[pk] = (state, message, at)
            except Exception:
                logger.warning("Could not record the connection of printer %s", pk, exc_info=True)
        for pk, (printer, pending) in jobs.items():
            try:
                print_jobs_record(printer=printer, jobs=list(pending.values()))
            except DATABASE_OUTAGE_ERRORS as exc:
                _writes_outage.failed(database_address(), exc)
                failed_jobs[pk] = (printer, pending)
            except Exception:  # the printer was deleted meanwhile, or a bug: not worth retrying
                logger.warning("Could not record %d job(s) of printer %s", len(pending), printer.slug, exc_info=True)
        if not failed_connections and not failed_jobs:
            _writes_outage.succeeded(database_address())
        return failed_connections, failed_jobs


@dataclasses.dataclass
class _Follower:
    printer: Printer
    task: asyncio.Task
    sink: PrinterSink


class Bridge:
    def __init__(self, *, holder: str | None = None) -> None:
        self.holder = holder or bridge_holder_id()
        self.started_at = timezone.now()
        self.lease_thread = DatabaseThread("leases")
        self.misc_thread = DatabaseThread("writes")
        self.store_thread = DatabaseThread("history")
        self.ingest = StatusIngest(store_thread=self.store_thread)
        self.writes = QueuedWrites(self)
        self.followers: dict[int, _Follower] = {}
        self._stop = asyncio.Event()
        # Monotonic time at which the last successful lease round started: the leases run from then.
        self._leases_renewed_at = time.monotonic()
        self.ready = asyncio.Event()  # set after the first lease round

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        logger.info("Bridge %s started (BRIDGE_MODE=%s)", self.holder, settings.BRIDGE_MODE)
        helpers = [
            asyncio.create_task(self.ingest.run(), name="bridge-ingest"),
            asyncio.create_task(self.writes.run(), name="bridge-writes"),
            asyncio.create_task(self._heartbeats(), name="bridge-heartbeat"),
            asyncio.create_task(self._fence(), name="bridge-fence"),
        ]
        reload_seconds = settings.BRIDGE_RELOAD_MS / 1000
        try:
            while not self._stop.is_set():
                try:
                    await self._lease_round()
                except HolderInUse as exc:
                    logger.error("Bridge %s: %s", self.holder, exc)
                    raise
                except Exception:
                    # A bug or an unexpected database answer must not end the bridge: the next round tries again.
                    logger.exception("Bridge %s: the lease round failed", self.holder)
                self.ready.set()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(reload_seconds):  # not wait_for: it can lose a cancellation on 3.11
                        await self._stop.wait()
        finally:
            await self._unfollow_all()
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            try:
                released = await self.lease_thread.run(leases_release, holder=self.holder)
            except Exception:
                released = 0
                logger.warning("Bridge %s could not give back its leases; they expire by themselves", self.holder)
            for thread in (self.lease_thread, self.misc_thread, self.store_thread):
                await asyncio.get_running_loop().run_in_executor(None, thread.shutdown)
            logger.info("Bridge %s stopped; gave back %d lease(s)", self.holder, released)

    async def _lease_round(self) -> None:
        started = time.monotonic()
        try:
            lease_round = await self.lease_thread.run(leases_sync, holder=self.holder, started_at=self.started_at)
        except DATABASE_OUTAGE_ERRORS as exc:
            _lease_outage.failed(database_address(), exc)
            return  # _fence stops the followers before the leases run out
        _lease_outage.succeeded(database_address())
        self._leases_renewed_at = started
        wanted = lease_round.printers
        for pk in list(self.followers):
            follower = self.followers[pk]
            printer = wanted.get(pk)
            if printer is None or printer.updated_at != follower.printer.updated_at:
                gone = printer is None and pk not in lease_round.extra
                await self._unfollow(pk, disabled=gone and await self.misc_thread.run(_is_disabled, pk))
                if printer is None:
                    logger.info("Bridge %s stops following printer %s", self.holder, follower.printer.slug)
        if lease_round.extra:
            await self.lease_thread.run(leases_give_back, holder=self.holder, printer_ids=lease_round.extra)
        for pk, printer in wanted.items():
            if pk not in self.followers:
                self._follow(printer)
        if lease_round.claimed or lease_round.extra:
            logger.info(
                "Bridge %s follows %d printer(s) (claimed %d, gave back %d; %d bridge(s) alive)",
                self.holder,
                len(self.followers),
                lease_round.claimed,
                len(lease_round.extra),
                lease_round.live_bridges,
            )

    async def _fence(self) -> None:
        """Stop following everything once the leases may have run out (renewals failing or hanging).

        Past two thirds of the lease since the last renewal started, another
        bridge may soon take these printers over: this one lets go first.
        """
        lease = settings.BRIDGE_LEASE_SECONDS
        while True:
            await asyncio.sleep(lease / 6)
            if self.followers and time.monotonic() - self._leases_renewed_at > lease * 2 / 3:
                logger.warning(
                    "Bridge %s could not renew its leases for %.0f s; stops following %d printer(s)",
                    self.holder,
                    time.monotonic() - self._leases_renewed_at,
                    len(self.followers),
                )
                await self._unfollow_all()

    async def _unfollow_all(self) -> None:
        for pk in list(self.followers):
            await self._unfollow(pk)

    def _follow(self, printer: Printer) -> None:
        sink = PrinterSink(self, printer)
        task = asyncio.create_task(self._run_follower(printer, sink), name=f"follow-{printer.slug}")
        self.followers[printer.pk] = _Follower(printer, task, sink)

    async def _unfollow(self, pk: int, *, disabled: bool = False) -> None:
        follower = self.followers.pop(pk, None)
        if follower is None:
            return
        follower.task.cancel()
        await asyncio.gather(follower.task, return_exceptions=True)
        self.ingest.forget(pk)
        self.writes.forget(pk)
        if disabled:
            await follower.sink.connection(ConnectionState.DISABLED, "The printer is disabled.")
            await follower.sink.offline("The printer is disabled.")

    async def _run_follower(self, printer: Printer, sink: PrinterSink) -> None:
        delay = RESTART_FIRST_SECONDS
        while True:
            started = time.monotonic()
            try:
                await sink.connection(ConnectionState.CONNECTING, "")
                if source_class(printer.source_kind).pushes:
                    await source_for(printer).follow(sink)
                else:
                    await self._sample(printer, sink)
                message = "The bridge stopped following it."
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.exception("Following printer %s failed; trying again in %.0f s", printer.slug, delay)
                message = f"The bridge failed to follow it ({type(exc).__name__}); trying again."
            await sink.connection(ConnectionState.UNREACHABLE, message)
            await sink.offline(message)
            if time.monotonic() - started > RESTART_CAP_SECONDS:
                delay = RESTART_FIRST_SECONDS
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 (jitter, not security)
            delay = min(delay * 2, RESTART_CAP_SECONDS)

    async def _sample(self, printer: Printer, sink: PrinterSink) -> None:
        """Follow a pull source (the demo printer): sample it every sample_interval_seconds.

        The printer row is read again before each sample, so what a control
        call changed (the demo's simulation) shows in the next sample, not
        only after the next lease round.
        """
        source = source_for(printer)
        seen = printer.updated_at
        await sink.connection(ConnectionState.CONNECTED, "")
        while True:
            try:
                fresh = await self.misc_thread.run(_printer_fresh, printer.pk)
            except DATABASE_OUTAGE_ERRORS:
                fresh = None  # the demo computes its status without the database: go on with what we know
            if fresh is not None and fresh.updated_at != seen:
                seen = fresh.updated_at
                source = source_for(fresh)
            await sink.status(source.current_status(now=datetime.now(UTC)))
            await asyncio.sleep(source.sample_interval_seconds)

    async def _heartbeats(self) -> None:
        """Re-report a printer whose source has said nothing for HEARTBEAT_SECONDS (same status, new time)."""
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS / 2)
            now = time.monotonic()
            for follower in list(self.followers.values()):
                sink = follower.sink
                if sink.last_status is not None and now - sink.last_report >= HEARTBEAT_SECONDS:
                    await sink.status(dataclasses.replace(sink.last_status, updated_at=datetime.now(UTC)))


def _is_disabled(pk: int) -> bool:
    return Printer.objects.filter(pk=pk, enabled=False).exists()


def _printer_fresh(pk: int) -> Printer | None:
    return Printer.objects.filter(pk=pk).first()
