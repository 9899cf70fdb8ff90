"""Reads of the status app. Aggregations run in the database."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, FloatField, Max, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Floor, Greatest, Least
from django.utils import timezone

from klipperiwc_site.api import iso_utc
from status.db_functions import EpochSeconds
from status.models import (
    ROLLUP_RESOLUTIONS,
    JobSnapshot,
    JobStatus,
    Printer,
    PrinterState,
    PrintJob,
    PrintJobStatus,
    StatusSnapshot,
    TemperatureRollup,
    TemperatureSample,
    rollup_start,
)
from status.payloads import status_seq
from status.services import LatestStatus, latest_key, status_capture
from status.sources import Job, PrinterStatus, TemperatureReading
from status.sources.registry import source_pushes

# Every status call looks its printer up; a short-lived copy per process
# spares the database that query (it was half the time of GET /api/status).
# Saving or deleting a printer empties this process's copy at once and bumps
# a version in the shared cache (see StatusConfig.ready), which the other
# processes compare with the version of their copy: a control call's change
# of the demo's simulation shows in every process's next answer.
PRINTER_CACHE_SECONDS = 5.0
PRINTERS_VERSION_KEY = "status:printers-version"
_printer_cache: dict[str, tuple[float, object, Printer | None]] = {}


def printer_get(*, slug: str) -> Printer | None:
    now = time.monotonic()
    cached = _printer_cache.get(slug)
    version = cache.get(PRINTERS_VERSION_KEY)
    if cached is not None and cached[0] > now and cached[1] == version:
        return cached[2]
    printer = Printer.objects.filter(slug=slug).first()
    _printer_cache[slug] = (now + PRINTER_CACHE_SECONDS, version, printer)
    return printer


def printer_cache_clear(**_signal_kwargs) -> None:
    _printer_cache.clear()
    # TolerantRedisCache drops a write Redis does not take: other processes then catch up within the TTL.
    cache.set(PRINTERS_VERSION_KEY, time.time_ns(), timeout=None)


def printer_list_with_state():
    """Printers annotated with the state and time of their newest snapshot."""
    newest = StatusSnapshot.objects.filter(printer=OuterRef("pk")).order_by("-recorded_at")
    return Printer.objects.annotate(
        state=Subquery(newest.values("state")[:1]),
        state_at=Subquery(newest.values("recorded_at")[:1]),
    ).order_by("slug")


def status_latest(*, printer: Printer) -> tuple[int, PrinterStatus] | None:
    """(seq, status) of the printer's newest status as collected, or None when it has none.

    The latest status the collector kept (the cache: Redis in scaled mode),
    else the newest stored snapshot.
    """
    latest = latest_status_entry(printer=printer)
    if latest is None:
        return None
    return status_seq(latest.status.updated_at), latest.status


def latest_status_entry(*, printer: Printer) -> LatestStatus | None:
    entry = cache.get(latest_key(printer.pk))
    if isinstance(entry, LatestStatus):
        return entry
    status = status_stored_latest(printer=printer)
    return None if status is None else LatestStatus(status=status, reported_at=status.updated_at)


def status_current(*, printer: Printer, now: datetime | None = None) -> PrinterStatus:
    """The status every reader shows: computed now for a pull source (and ingested), else the latest one.

    A push printer (Moonraker) is answered from what the bridge ingested,
    never by asking the printer; one the bridge has not reported for
    STATUS_STALE_SECONDS is offline, saying since when.
    """
    now = now or timezone.now()
    if not source_pushes(printer):
        return status_capture(printer=printer, now=now).status
    if not printer.enabled:
        return PrinterStatus(
            state=PrinterState.OFFLINE, message="The printer is disabled.", uptime_seconds=0, updated_at=now
        )
    latest = latest_status_entry(printer=printer)
    if latest is None:
        return PrinterStatus(
            state=PrinterState.OFFLINE, message="No status from the bridge yet.", uptime_seconds=0, updated_at=now
        )
    if (now - latest.reported_at).total_seconds() > settings.STATUS_STALE_SECONDS:
        return PrinterStatus(
            state=PrinterState.OFFLINE,
            message=f"No report from the bridge since {iso_utc(latest.reported_at)}.",
            uptime_seconds=0,
            updated_at=latest.reported_at,
        )
    return latest.status


def status_stored_latest(*, printer: Printer) -> PrinterStatus | None:
    """The newest stored snapshot as a status, or None."""
    snapshot = StatusSnapshot.objects.filter(printer=printer).order_by("-recorded_at", "-pk").first()
    if snapshot is None:
        return None
    temperatures = tuple(
        TemperatureReading(sample.component, sample.actual, sample.target, sample.recorded_at)
        for sample in TemperatureSample.objects.filter(snapshot=snapshot).order_by("pk")
    )
    jobs = [
        Job(
            id=row.job_id,
            name=row.name,
            progress=row.progress,
            status=row.status,
            started_at=row.started_at,
            estimated_completion=row.estimated_completion,
        )
        for row in JobSnapshot.objects.filter(snapshot=snapshot).order_by("position")
    ]
    has_active = JobSnapshot.objects.filter(snapshot=snapshot, position=0).exists()
    return PrinterStatus(
        state=snapshot.state,
        message=snapshot.message,
        uptime_seconds=snapshot.uptime_seconds,
        updated_at=snapshot.recorded_at,
        active_job=jobs[0] if has_active else None,
        queued_jobs=tuple(jobs[1:] if has_active else jobs),
        temperatures=temperatures,
    )


def temperature_component_exists(*, printer: Printer, component: str) -> bool:
    return TemperatureSample.objects.filter(printer=printer, component=component).exists()


def status_history(*, printer: Printer, since: datetime | None, until: datetime | None):
    rows = StatusSnapshot.objects.filter(printer=printer)
    if since:
        rows = rows.filter(recorded_at__gte=since)
    if until:
        rows = rows.filter(recorded_at__lte=until)
    return rows.order_by("-recorded_at", "-pk")


@dataclass(frozen=True)
class TemperatureBucket:
    start: datetime
    end: datetime
    samples: int
    min: float
    avg: float
    max: float
    target: float | None


def temperature_series(
    *, printer: Printer, since: datetime, until: datetime, points: int, component: str | None = None
) -> dict[str, list[TemperatureBucket]]:
    """Per component, up to ``points`` equal time buckets between since and until (both inclusive).

    One query computes everything in the database: the bucket of each row,
    min/avg/max, and the target of the newest row per bucket (a window
    function). Buckets at least a minute wide read the coarsest rollup that
    fits in a bucket (a slot counts in the bucket its start falls in);
    narrower ones read every sample. Empty buckets are left out.
    """
    span = (until - since).total_seconds()
    width = max(span / points, 1e-6)
    epoch = since.timestamp()
    resolution = max((r for r in ROLLUP_RESOLUTIONS if r <= width), default=None)
    rows: QuerySet[Any]  # rollups or samples, annotated alike
    if resolution:
        rows = TemperatureRollup.objects.filter(
            printer=printer, resolution=resolution, start__gte=_slot_start(since, resolution), start__lte=until
        ).annotate(at=F("start"), n=F("samples"), lo=F("low"), hi=F("high"), tot=F("total"), tgt=F("last_target"))
    else:
        rows = TemperatureSample.objects.filter(
            printer=printer, recorded_at__gte=since, recorded_at__lte=until
        ).annotate(at=F("recorded_at"), n=Value(1), lo=F("actual"), hi=F("actual"), tot=F("actual"), tgt=F("target"))
    if component:
        rows = rows.filter(component=component)
    # floor(seconds since `since` / width), clamped so that a sample at
    # exactly `until` (or a slot starting before `since`) counts.
    bucket = Floor((_epoch_seconds("at", whole_seconds=resolution is not None) - epoch) / width)
    rows = rows.annotate(bucket=Greatest(Least(bucket, Value(points - 1.0)), Value(0.0)))
    inner, params = rows.values("component", "bucket", "at", "n", "lo", "hi", "tot", "tgt").query.sql_with_params()
    sql = f"""
        SELECT component, bucket, SUM(n), MIN(lo), MAX(hi), SUM(tot), MAX(CASE WHEN newest = 1 THEN tgt END)
        FROM (
            SELECT rows.*, ROW_NUMBER() OVER (PARTITION BY component, bucket ORDER BY at DESC) AS newest
            FROM ({inner}) AS rows
        ) AS ranked
        GROUP BY component, bucket
        ORDER BY component, bucket
    """  # noqa: S608 (the inner query is Django's, its values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        aggregates = cursor.fetchall()
    series: dict[str, list[TemperatureBucket]] = {}
    for name, index, samples, low, high, total, target in aggregates:
        index = int(index)
        start = _from_epoch(epoch + index * width)
        end = _from_epoch(epoch + (index + 1) * width)
        series.setdefault(name, []).append(
            TemperatureBucket(
                start=start,
                end=min(end, until),
                samples=samples,
                min=low,
                avg=total / samples,
                max=high,
                target=target,
            )
        )
    return series


# The calendar's ends: bucket bounds computed in floating point, and a slot
# start floored below since, can fall just outside them (year 0 or 10000).
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


def _from_epoch(seconds: float) -> datetime:
    if seconds <= _EARLIEST.timestamp():
        return _EARLIEST
    if seconds >= _LATEST.timestamp():
        return _LATEST
    return datetime.fromtimestamp(seconds, tz=UTC)


def _slot_start(moment: datetime, resolution: int) -> datetime:
    try:
        return rollup_start(moment, resolution)
    except (OverflowError, ValueError):
        return _EARLIEST


def _epoch_seconds(field: str, *, whole_seconds: bool = False):
    # Cast: PostgreSQL's EXTRACT(EPOCH ...) is numeric.
    return Cast(EpochSeconds(F(field), whole_seconds=whole_seconds), FloatField())


def job_history(*, printer: Printer):
    """Each job once, with its newest row, plus counts per status and total print time."""
    newest = JobSnapshot.objects.filter(printer=printer, job_id=OuterRef("job_id")).order_by("-recorded_at", "-pk")
    latest_rows = JobSnapshot.objects.filter(printer=printer, pk=Subquery(newest.values("pk")[:1])).order_by(
        "-recorded_at"
    )
    return latest_rows


def job_statistics(*, printer: Printer) -> dict:
    """Counts of jobs per last known status, and the time jobs spent running or paused."""
    latest = job_history(printer=printer)
    counts = {row["status"]: row["n"] for row in latest.values("status").annotate(n=Count("pk")).order_by()}
    spans = (
        JobSnapshot.objects.filter(printer=printer, status__in=[JobStatus.RUNNING, JobStatus.PAUSED])
        .values("job_id")
        .annotate(first=Min("recorded_at"), last=Max("recorded_at"))
        .order_by()
    )
    print_seconds = sum((span["last"] - span["first"]).total_seconds() for span in spans)
    return {
        "counts": {choice: counts.get(choice, 0) for choice in JobStatus.values},
        "jobs": sum(counts.values()),
        "total_print_seconds": round(print_seconds, 3),
    }


def print_job_sync_since(*, printer: Printer) -> float | None:
    """Where a source should re-read its job history from (Unix seconds), or None for all of it.

    From the oldest job still in progress here (it may have ended while the
    bridge was away), else from the newest job: a second earlier, so that one
    is read again too.
    """
    jobs = PrintJob.objects.filter(printer=printer)
    start = (
        jobs.filter(status=PrintJobStatus.IN_PROGRESS)
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
        or jobs.order_by("-started_at").values_list("started_at", flat=True).first()
    )
    return None if start is None else start.timestamp() - 1.0
