"""Writes of the status app: recording snapshots and pruning history.

Each write runs in one transaction; realtime events go out only after it
commits (status/broadcast.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from klipperiwc_site import metrics
from status.broadcast import coalescer, connection_broadcast_on_commit, status_broadcast_on_commit
from status.models import (
    ROLLUP_RESOLUTIONS,
    JobSnapshot,
    Printer,
    PrinterConnection,
    StatusSnapshot,
    TemperatureRollup,
    TemperatureSample,
    rollup_start,
)
from status.sources import PrinterStatus, TemperatureReading, source_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Capture:
    status: PrinterStatus
    snapshot: StatusSnapshot | None  # None when the last one is too recent


@dataclass(frozen=True)
class LatestStatus:
    """A printer's newest status and when a collector (bridge or request) reported it."""

    status: PrinterStatus
    reported_at: datetime


# Kept a day: past STATUS_STALE_SECONDS a reader shows the printer offline
# anyway, and a missing entry falls back to the newest stored snapshot.
LATEST_TIMEOUT_SECONDS = 24 * 3600
# At most this many broadcasts (and cache writes) per printer per second.
BROADCASTS_PER_SECOND = 4

# printer pk -> when this process last recorded or saw a stored snapshot.
# With Redis as the cache, asking it on every call halved the request rate.
_last_recorded_here: dict[int, datetime] = {}
# printer pk -> the state of the last status this process ingested.
_last_state_here: dict[int, str] = {}


def last_recorded_forget() -> None:
    """Forget what this process saw (tests clear the cache between cases)."""
    _last_recorded_here.clear()
    _last_state_here.clear()
    coalescer.forget()


def _last_recorded_key(printer_id: int) -> str:
    return f"status:last-recorded:{printer_id}"


def latest_key(printer_id: int) -> str:
    return f"status:latest:{printer_id}"


def latest_keep_many(*, entries: dict[int, LatestStatus]) -> None:
    """Keep each printer's newest status where every web process reads it (the cache: Redis in scaled mode).

    A cache that is down loses nothing for good: readers fall back to the newest stored snapshot.
    """
    if entries:
        cache.set_many({latest_key(pk): entry for pk, entry in entries.items()}, timeout=LATEST_TIMEOUT_SECONDS)


def last_recorded_note(*, printer_ids_at: dict[int, datetime]) -> None:
    """Tell this process and the others (through the cache) when these printers' snapshots were stored."""
    _last_recorded_here.update(printer_ids_at)
    if printer_ids_at:
        cache.set_many({_last_recorded_key(pk): at for pk, at in printer_ids_at.items()}, timeout=60)


def last_recorded_get(*, printer_ids: list[int]) -> dict[int, datetime]:
    """When each printer's newest snapshot was stored, as far as this process or the cache knows."""
    known = {pk: _last_recorded_here[pk] for pk in printer_ids if pk in _last_recorded_here}
    missing = [pk for pk in printer_ids if pk not in known]
    if missing:
        found = cache.get_many([_last_recorded_key(pk) for pk in missing])
        for pk in missing:
            at = found.get(_last_recorded_key(pk))
            if at is not None:
                known[pk] = _last_recorded_here[pk] = at
    return known


def status_capture(*, printer: Printer, now: datetime | None = None) -> Capture:
    """Read a pull source's status now and ingest it (GET /api/status on the demo printer does this)."""
    now = now or timezone.now()
    status = source_for(printer).current_status(now=now)
    return Capture(status, status_ingest(printer=printer, status=status, now=now))


def status_ingest(*, printer: Printer, status: PrinterStatus, now: datetime | None = None) -> StatusSnapshot | None:
    """Take a printer's new status (sync form; the bridge uses status.ingest.StatusIngest, the async form).

    (1) keeps it as the printer's latest status and (2) broadcasts it to
    /ws/status, both at most BROADCASTS_PER_SECOND times a second per printer
    (a state change always goes out), and (3) stores a snapshot unless one was
    stored less than STATUS_HISTORY_MIN_INTERVAL_MS ago and the state is the
    same. Broadcasting does not wait for storing: a database that fails to
    store is logged, and the status still reaches clients.
    Returns the stored snapshot, or None.
    """
    now = now or timezone.now()
    previous = _last_state_here.get(printer.pk)
    state_changed = previous is not None and previous != status.state
    _last_state_here[printer.pk] = status.state
    latest_keep_many(entries={printer.pk: LatestStatus(status=status, reported_at=now)})
    coalescer.offer(printer, status)
    return _snapshot_store_if_due(printer=printer, status=status, now=now, state_changed=state_changed)


def _snapshot_store_if_due(
    *, printer: Printer, status: PrinterStatus, now: datetime, state_changed: bool
) -> StatusSnapshot | None:
    """Store the status unless a snapshot is younger than the interval (a flood of calls takes no lock)."""
    min_interval = timedelta(milliseconds=settings.STATUS_HISTORY_MIN_INTERVAL_MS)
    if not state_changed:
        # Cheap checks first: what this process last saw, then the cache
        # (shared through Redis in scaled mode), then the database.
        last = last_recorded_get(printer_ids=[printer.pk]).get(printer.pk)
        if last is not None and abs(now - last) < min_interval:
            return None
    try:
        with transaction.atomic():
            # One writer per printer at a time: the row lock serialises
            # processes on PostgreSQL; SQLite's immediate transactions already do.
            Printer.objects.select_for_update().filter(pk=printer.pk).first()
            latest = (
                StatusSnapshot.objects.filter(printer=printer)
                .order_by("-recorded_at")
                .values_list("recorded_at", "state")
                .first()
            )
            if latest is not None and abs(now - latest[0]) < min_interval and latest[1] == status.state:
                last_recorded_note(printer_ids_at={printer.pk: latest[0]})
                return None
            snapshot = snapshots_record(items=[(printer, status)], broadcast=False)[0]
    except DatabaseError:
        # The status was read and broadcast; failing to keep it must not
        # fail the caller. /healthz reports the database, the log has the details.
        logger.exception("Could not store the status of printer %s", printer.slug)
        return None
    last_recorded_note(printer_ids_at={printer.pk: now})
    return snapshot


def snapshot_record(*, printer: Printer, status: PrinterStatus, broadcast: bool = True) -> StatusSnapshot:
    """Store one status with its temperatures and jobs; broadcast it after commit unless told not to."""
    return snapshots_record(items=[(printer, status)], broadcast=broadcast)[0]


def snapshots_record(*, items: list[tuple[Printer, PrinterStatus]], broadcast: bool = True) -> list[StatusSnapshot]:
    """Store many statuses (of one or many printers) in one transaction; broadcast each after commit.

    The bridge writes a farm's statuses together (one INSERT per table
    instead of one transaction per printer), with broadcast=False: it has
    broadcast them already, as they came.
    """
    with transaction.atomic():
        snapshots = StatusSnapshot.objects.bulk_create(
            StatusSnapshot(
                printer=printer,
                recorded_at=status.updated_at,
                state=status.state,
                message=status.message[:500],
                uptime_seconds=max(0, int(status.uptime_seconds)),
            )
            for printer, status in items
        )
        adapt = connection.ops.adapt_datetimefield_value
        temperature_rows: list[tuple] = []
        job_rows: list[tuple] = []
        readings: list[tuple[Printer, TemperatureReading]] = []
        for snapshot, (printer, status) in zip(snapshots, items, strict=True):
            for reading in status.temperatures:
                temperature_rows.append(
                    (
                        snapshot.pk,
                        printer.pk,
                        adapt(reading.timestamp),
                        reading.component,
                        reading.actual,
                        reading.target,
                    )
                )
                readings.append((printer, reading))
            listed = ([status.active_job] if status.active_job else []) + list(status.queued_jobs)
            first_position = 0 if status.active_job else 1
            job_rows.extend(
                (
                    snapshot.pk,
                    printer.pk,
                    adapt(status.updated_at),
                    job.id,
                    job.name,
                    job.status,
                    job.progress,
                    position,
                    adapt(job.started_at),
                    adapt(job.estimated_completion),
                )
                for position, job in enumerate(listed, start=first_position)
            )
        # Plain executemany: on this path (every snapshot of every printer)
        # bulk_create's per-object work cost more than the database did.
        with connection.cursor() as cursor:
            cursor.executemany(_TEMPERATURE_INSERT, temperature_rows)
            cursor.executemany(_JOB_INSERT, job_rows)
        _rollups_add(readings=readings)
        if broadcast:
            status_broadcast_on_commit([(printer, status) for printer, status in items])
    metrics.SNAPSHOTS_STORED.inc(len(snapshots))
    return snapshots


_TEMPERATURE_INSERT = """
INSERT INTO temperature_history (snapshot_id, printer_id, recorded_at, component, actual, target)
VALUES (%s, %s, %s, %s, %s, %s)
"""
_JOB_INSERT = """
INSERT INTO job_history (snapshot_id, printer_id, recorded_at, job_id, name, status, progress, position,
    started_at, estimated_completion)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""

_ROLLUP_UPSERT = """
INSERT INTO temperature_history_rollup
    (printer_id, component, resolution, start, samples, total, low, high, last_target, last_at)
VALUES (%s, %s, %s, %s, 1, %s, %s, %s, %s, %s)
ON CONFLICT (printer_id, resolution, component, start) DO UPDATE SET
    samples = temperature_history_rollup.samples + 1,
    total = temperature_history_rollup.total + excluded.total,
    low = {least}(temperature_history_rollup.low, excluded.low),
    high = {greatest}(temperature_history_rollup.high, excluded.high),
    last_target = CASE WHEN excluded.last_at >= temperature_history_rollup.last_at
        THEN excluded.last_target ELSE temperature_history_rollup.last_target END,
    last_at = {greatest}(temperature_history_rollup.last_at, excluded.last_at)
"""


def _rollups_add(*, readings: list[tuple[Printer, TemperatureReading]]) -> None:
    """Fold readings into their slot at every resolution (upserts, in the caller's transaction)."""
    if not readings:
        return
    ops = connection.ops
    if connection.vendor == "sqlite":
        names = {"least": "MIN", "greatest": "MAX"}
    else:
        names = {"least": "LEAST", "greatest": "GREATEST"}
    rows = [
        (
            printer.pk,
            reading.component,
            resolution,
            ops.adapt_datetimefield_value(rollup_start(reading.timestamp, resolution)),
            reading.actual,
            reading.actual,
            reading.actual,
            reading.target,
            ops.adapt_datetimefield_value(reading.timestamp),
        )
        for printer, reading in readings
        for resolution in ROLLUP_RESOLUTIONS
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_ROLLUP_UPSERT.format(**names), rows)


@dataclass(frozen=True)
class PruneResult:
    cutoff: datetime
    status_history: int
    temperature_history: int
    job_history: int
    temperature_history_rollup: int
    dry_run: bool

    @property
    def total(self) -> int:
        return self.status_history + self.temperature_history + self.job_history + self.temperature_history_rollup


def history_prune(
    *,
    older_than_days: int | None = None,
    now: datetime | None = None,
    batch_size: int | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> PruneResult | None:
    """Delete status history older than the retention period, in small batches.

    Each batch is its own short transaction, so snapshots arriving meanwhile
    never wait long for the write lock. The database cascades each status
    row's temperature and job rows. Returns None when retention is 0 (keep all).
    ``progress(done, total)`` is called after each batch.
    """
    days = settings.STATUS_HISTORY_RETENTION_DAYS if older_than_days is None else older_than_days
    if days <= 0:
        return None
    batch_size = batch_size or settings.STATUS_HISTORY_PRUNE_BATCH_SIZE
    try:
        cutoff = (now or timezone.now()) - timedelta(days=days)
    except OverflowError:  # more days than lie between now and the year 1: nothing is that old
        cutoff = datetime.min.replace(tzinfo=UTC)
    old = StatusSnapshot.objects.filter(recorded_at__lt=cutoff)
    counts = {
        "status_history": old.count(),
        "temperature_history": TemperatureSample.objects.filter(snapshot__recorded_at__lt=cutoff).count(),
        "job_history": JobSnapshot.objects.filter(snapshot__recorded_at__lt=cutoff).count(),
        "temperature_history_rollup": TemperatureRollup.objects.filter(start__lt=cutoff).count(),
    }
    if dry_run:
        return PruneResult(cutoff=cutoff, dry_run=True, **counts)
    total, done = counts["status_history"], 0
    removed = {"status_history": 0, "temperature_history": 0, "job_history": 0, "temperature_history_rollup": 0}
    while True:
        with transaction.atomic():
            ids = list(old.order_by("recorded_at").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            removed["temperature_history"] += TemperatureSample.objects.filter(snapshot_id__in=ids).count()
            removed["job_history"] += JobSnapshot.objects.filter(snapshot_id__in=ids).count()
            # One DELETE: the children have on_delete=DO_NOTHING in the ORM
            # and go by ON DELETE CASCADE in the database.
            deleted, _ = StatusSnapshot.objects.filter(pk__in=ids).delete()
            removed["status_history"] += deleted
        done += deleted
        if progress:
            progress(done, max(total, done))
    old_rollups = TemperatureRollup.objects.filter(start__lt=cutoff)
    while True:
        with transaction.atomic():
            ids = list(old_rollups.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            removed["temperature_history_rollup"] += TemperatureRollup.objects.filter(pk__in=ids).delete()[0]
    logger.info(
        "Pruned status history before %s: %s status, %s temperature, %s job, %s temperature-rollup rows",
        cutoff.isoformat(),
        removed["status_history"],
        removed["temperature_history"],
        removed["job_history"],
        removed["temperature_history_rollup"],
    )
    metrics.prune_counted(removed=removed)
    return PruneResult(cutoff=cutoff, dry_run=False, **removed)


def printer_connection_set(
    *, printer_id: int, state: str, message: str, bridge: str, now: datetime | None = None, broadcast: bool = True
) -> None:
    """Record how the bridge's link to a printer stands (called when it changes).

    With ``broadcast``, /ws/status clients get a "connection" message after commit. The bridge
    passes False: it writes on a thread of its own and broadcasts from its event loop once the
    write returned (status.bridge.runner.QueuedWrites), where the in-process channel layer lives.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if broadcast:
            slug = Printer.objects.filter(pk=printer_id).values_list("slug", flat=True).first()
            if slug is not None:
                connection_broadcast_on_commit([(slug, state, message[:500], now)])
        updated = PrinterConnection.objects.filter(printer_id=printer_id).update(
            state=state, message=message[:500], since=now, bridge=bridge
        )
        if not updated and Printer.objects.filter(pk=printer_id).exists():
            try:
                with transaction.atomic():
                    PrinterConnection.objects.create(
                        printer_id=printer_id, state=state, message=message[:500], since=now, bridge=bridge
                    )
            except IntegrityError:  # created meanwhile by another bridge's last words: ours is newer
                PrinterConnection.objects.filter(printer_id=printer_id).update(
                    state=state, message=message[:500], since=now, bridge=bridge
                )
