"""Writes of the status app: recording snapshots and pruning history.

Each write runs in one transaction; realtime events go out only after it
commits (status/broadcast.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from status.broadcast import status_broadcast_on_commit
from status.models import JobSnapshot, Printer, StatusSnapshot, TemperatureMinute, TemperatureSample
from status.sources import PrinterStatus, TemperatureReading, source_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Capture:
    status: PrinterStatus
    snapshot: StatusSnapshot | None  # None when the last one is too recent


def _last_recorded_key(printer: Printer) -> str:
    return f"status:last-recorded:{printer.pk}"


def status_capture(*, printer: Printer, now: datetime | None = None) -> Capture:
    """Read the printer's status now; store and broadcast it unless one was stored very recently.

    A flood of calls writes at most one snapshot per printer per
    STATUS_HISTORY_MIN_INTERVAL_MS; every call still answers with fresh data.
    """
    now = now or timezone.now()
    status = source_for(printer).current_status(now=now)
    min_interval = timedelta(milliseconds=settings.STATUS_HISTORY_MIN_INTERVAL_MS)
    # Cheap check first (shared through Redis in scaled mode) so a flood of
    # calls does not even take a database lock.
    last = cache.get(_last_recorded_key(printer))
    if last is not None and abs(now - last) < min_interval:
        return Capture(status, None)
    with transaction.atomic():
        # One writer per printer at a time: the row lock serialises processes
        # on PostgreSQL; SQLite's immediate transactions already do.
        Printer.objects.select_for_update().filter(pk=printer.pk).first()
        latest = (
            StatusSnapshot.objects.filter(printer=printer)
            .order_by("-recorded_at")
            .values_list("recorded_at", flat=True)
            .first()
        )
        if latest is not None and abs(now - latest) < min_interval:
            cache.set(_last_recorded_key(printer), latest, timeout=60)
            return Capture(status, None)
        snapshot = snapshot_record(printer=printer, status=status)
    cache.set(_last_recorded_key(printer), now, timeout=60)
    return Capture(status, snapshot)


def snapshot_record(*, printer: Printer, status: PrinterStatus) -> StatusSnapshot:
    """Store one status with its temperatures and jobs; broadcast it after commit."""
    with transaction.atomic():
        recorded_at = status.updated_at
        snapshot = StatusSnapshot.objects.create(
            printer=printer,
            recorded_at=recorded_at,
            state=status.state,
            message=status.message[:500],
            uptime_seconds=max(0, int(status.uptime_seconds)),
        )
        TemperatureSample.objects.bulk_create(
            TemperatureSample(
                snapshot=snapshot,
                printer=printer,
                recorded_at=reading.timestamp,
                component=reading.component,
                actual=reading.actual,
                target=reading.target,
            )
            for reading in status.temperatures
        )
        _minutes_add(printer=printer, readings=status.temperatures)
        jobs = ([status.active_job] if status.active_job else []) + list(status.queued_jobs)
        first_position = 0 if status.active_job else 1
        JobSnapshot.objects.bulk_create(
            JobSnapshot(
                snapshot=snapshot,
                printer=printer,
                recorded_at=recorded_at,
                job_id=job.id,
                name=job.name,
                status=job.status,
                progress=job.progress,
                position=position,
                started_at=job.started_at,
                estimated_completion=job.estimated_completion,
            )
            for position, job in enumerate(jobs, start=first_position)
        )
        status_broadcast_on_commit(printer=printer, status=status, seq=snapshot.pk)
    return snapshot


_MINUTE_UPSERT = """
INSERT INTO temperature_history_minute
    (printer_id, component, minute, samples, total, low, high, last_target, last_at)
VALUES (%s, %s, %s, 1, %s, %s, %s, %s, %s)
ON CONFLICT (printer_id, component, minute) DO UPDATE SET
    samples = temperature_history_minute.samples + 1,
    total = temperature_history_minute.total + excluded.total,
    low = {least}(temperature_history_minute.low, excluded.low),
    high = {greatest}(temperature_history_minute.high, excluded.high),
    last_target = CASE WHEN excluded.last_at >= temperature_history_minute.last_at
        THEN excluded.last_target ELSE temperature_history_minute.last_target END,
    last_at = {greatest}(temperature_history_minute.last_at, excluded.last_at)
"""


def _minutes_add(*, printer: Printer, readings: tuple[TemperatureReading, ...]) -> None:
    """Fold readings into their per-minute rows (one upsert each, in the caller's transaction)."""
    if not readings:
        return
    ops = connection.ops
    names = (
        {"least": "MIN", "greatest": "MAX"}
        if connection.vendor == "sqlite"
        else {"least": "LEAST", "greatest": "GREATEST"}
    )
    rows = [
        (
            printer.pk,
            reading.component,
            ops.adapt_datetimefield_value(reading.timestamp.replace(second=0, microsecond=0)),
            reading.actual,
            reading.actual,
            reading.actual,
            reading.target,
            ops.adapt_datetimefield_value(reading.timestamp),
        )
        for reading in readings
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_MINUTE_UPSERT.format(**names), rows)


@dataclass(frozen=True)
class PruneResult:
    cutoff: datetime
    status_history: int
    temperature_history: int
    job_history: int
    temperature_history_minute: int
    dry_run: bool

    @property
    def total(self) -> int:
        return self.status_history + self.temperature_history + self.job_history + self.temperature_history_minute


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
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = StatusSnapshot.objects.filter(recorded_at__lt=cutoff)
    counts = {
        "status_history": old.count(),
        "temperature_history": TemperatureSample.objects.filter(snapshot__recorded_at__lt=cutoff).count(),
        "job_history": JobSnapshot.objects.filter(snapshot__recorded_at__lt=cutoff).count(),
        "temperature_history_minute": TemperatureMinute.objects.filter(minute__lt=cutoff).count(),
    }
    if dry_run:
        return PruneResult(cutoff=cutoff, dry_run=True, **counts)
    total, done = counts["status_history"], 0
    removed = {"status_history": 0, "temperature_history": 0, "job_history": 0, "temperature_history_minute": 0}
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
    old_minutes = TemperatureMinute.objects.filter(minute__lt=cutoff)
    while True:
        with transaction.atomic():
            ids = list(old_minutes.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            removed["temperature_history_minute"] += TemperatureMinute.objects.filter(pk__in=ids).delete()[0]
    logger.info(
        "Pruned status history before %s: %s status, %s temperature, %s job, %s temperature-minute rows",
        cutoff.isoformat(),
        removed["status_history"],
        removed["temperature_history"],
        removed["job_history"],
        removed["temperature_history_minute"],
    )
    return PruneResult(cutoff=cutoff, dry_run=False, **removed)
