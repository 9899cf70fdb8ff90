"""Reads of the status app. Aggregations run in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, FloatField, Max, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Floor, Greatest, Least

from status.models import JobSnapshot, JobStatus, Printer, StatusSnapshot, TemperatureMinute, TemperatureSample
from status.sources import Job, PrinterStatus, TemperatureReading


def printer_get(*, slug: str) -> Printer | None:
    return Printer.objects.filter(slug=slug).first()


def printer_list_with_state():
    """Printers annotated with the state and time of their newest snapshot."""
    newest = StatusSnapshot.objects.filter(printer=OuterRef("pk")).order_by("-recorded_at")
    return Printer.objects.annotate(
        state=Subquery(newest.values("state")[:1]),
        state_at=Subquery(newest.values("recorded_at")[:1]),
    ).order_by("slug")


def status_latest(*, printer: Printer) -> tuple[int, PrinterStatus] | None:
    """(snapshot id, status) of the newest stored snapshot, or None."""
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
    status = PrinterStatus(
        state=snapshot.state,
        message=snapshot.message,
        uptime_seconds=snapshot.uptime_seconds,
        updated_at=snapshot.recorded_at,
        active_job=jobs[0] if has_active else None,
        queued_jobs=tuple(jobs[1:] if has_active else jobs),
        temperatures=temperatures,
    )
    return snapshot.pk, status


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


ROLLUP_MIN_BUCKET_SECONDS = 60


def temperature_series(
    *, printer: Printer, since: datetime, until: datetime, points: int, component: str | None = None
) -> dict[str, list[TemperatureBucket]]:
    """Per component, up to ``points`` equal time buckets between since and until (both inclusive).

    Bucketing, min/avg/max and the last target are computed by the database:
    one grouped query for the aggregates, one for the last target per bucket.
    Buckets of a minute or more read the per-minute table (each minute goes
    to the bucket its start falls in); shorter ones read every sample.
    Empty buckets are left out.
    """
    span = (until - since).total_seconds()
    width = max(span / points, 1e-6)
    epoch = since.timestamp()
    if width >= ROLLUP_MIN_BUCKET_SECONDS:
        rows = TemperatureMinute.objects.filter(
            printer=printer, minute__gte=since.replace(second=0, microsecond=0), minute__lte=until
        )
        time_field, target_field = "minute", "last_target"
        totals = {"samples": Sum("samples"), "low": Min("low"), "high": Max("high"), "sum": Sum("total")}
        last_field = "last_at"
    else:
        rows = TemperatureSample.objects.filter(printer=printer, recorded_at__gte=since, recorded_at__lte=until)
        time_field, target_field = "recorded_at", "target"
        totals = {"samples": Count("pk"), "low": Min("actual"), "high": Max("actual"), "sum": Sum("actual")}
        last_field = "recorded_at"
    if component:
        rows = rows.filter(component=component)
    # The bucket is floor(seconds since `since` / width), clamped so that a
    # sample at exactly `until` (or a minute starting before `since`) counts.
    bucket = Floor((_epoch_seconds(time_field) - epoch) / width)
    rows = rows.annotate(bucket=Greatest(Least(bucket, Value(points - 1.0)), Value(0.0)))
    aggregates = list(
        rows.values("component", "bucket").annotate(last_at=Max(last_field), **totals).order_by("component", "bucket")
    )
    last_targets = {
        (row["component"], row[last_field]): row[target_field]
        for row in rows.filter(**{f"{last_field}__in": {agg["last_at"] for agg in aggregates}}).values(
            "component", last_field, target_field
        )
    }
    series: dict[str, list[TemperatureBucket]] = {}
    for agg in aggregates:
        index = int(agg["bucket"])
        start = datetime.fromtimestamp(epoch + index * width, tz=since.tzinfo)
        end = datetime.fromtimestamp(epoch + (index + 1) * width, tz=since.tzinfo)
        series.setdefault(agg["component"], []).append(
            TemperatureBucket(
                start=start,
                end=min(end, until),
                samples=agg["samples"],
                min=agg["low"],
                avg=agg["sum"] / agg["samples"],
                max=agg["high"],
                target=last_targets.get((agg["component"], agg["last_at"])),
            )
        )
    return series


def _epoch_seconds(field: str):
    from status.db_functions import EpochSeconds

    return Cast(EpochSeconds(F(field)), FloatField())


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
