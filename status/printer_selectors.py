"""Reads of printers (with their bridge connection) and their print jobs."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, FloatField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from status.models import BridgeProcess, ConnectionState, Printer, PrinterConnection, PrintJob, PrintJobStatus
from status.selectors import printer_list_with_state

WAITING_FOR_BRIDGE = "Waiting for the bridge"
DISABLED = "The printer is disabled."


def printer_list():
    """Every printer with its newest stored state and its connection row (one query)."""
    return printer_list_with_state().select_related("connection")


def printer_detail(*, slug: str) -> Printer | None:
    """The printer with that slug, read from the database (not the per-process cache), or None."""
    return printer_list().filter(slug=slug).first()


def printer_by_slug(*, slug: str) -> Printer | None:
    return Printer.objects.filter(slug=slug).first()


def printer_connection(*, printer: Printer) -> dict:
    """{state, message, since, bridge} of the bridge's link to ``printer``.

    A disabled printer is "disabled" whatever the bridge last wrote; one the bridge has not
    written about yet is "connecting", waiting for the bridge, since it was last changed.
    ``bridge`` is the holder name of the bridge that wrote the state (its lease holder),
    "" while no bridge follows the printer (disabled, or waiting for one).
    """
    try:
        row: PrinterConnection | None = printer.connection
    except PrinterConnection.DoesNotExist:
        row = None
    if not printer.enabled:
        if row is not None and row.state == ConnectionState.DISABLED:
            return {"state": row.state, "message": row.message or DISABLED, "since": row.since, "bridge": ""}
        return {"state": ConnectionState.DISABLED, "message": DISABLED, "since": printer.updated_at, "bridge": ""}
    if row is None or row.state == ConnectionState.DISABLED:
        # Never reported, or enabled again and the bridge has not picked the change up yet.
        return {
            "state": ConnectionState.CONNECTING,
            "message": WAITING_FOR_BRIDGE,
            "since": printer.updated_at,
            "bridge": "",
        }
    if row.bridge and row.bridge not in _live_bridges():
        # The bridge that wrote this has stopped beating: its "connected" is no longer true.
        return {
            "state": ConnectionState.CONNECTING,
            "message": f"Waiting for a bridge: {row.bridge}, which followed it, stopped reporting.",
            "since": row.since,
            "bridge": "",
        }
    return {"state": row.state, "message": row.message, "since": row.since, "bridge": row.bridge}


_live_bridges_cache: tuple[float, frozenset[str]] = (0.0, frozenset())


def live_bridges_forget() -> None:
    """Forget the copy of the live bridges (tests that change them)."""
    global _live_bridges_cache
    _live_bridges_cache = (0.0, frozenset())


def _live_bridges() -> frozenset[str]:
    """Holder names of bridges whose heartbeat is younger than a lease (read at most once a second)."""
    global _live_bridges_cache
    now = time.monotonic()
    if now - _live_bridges_cache[0] > 1.0:
        cutoff = timezone.now() - timedelta(seconds=settings.BRIDGE_LEASE_SECONDS)
        holders = BridgeProcess.objects.filter(seen_at__gte=cutoff).values_list("holder", flat=True)
        _live_bridges_cache = (now, frozenset(holders))
    return _live_bridges_cache[1]


def print_jobs(
    *, printer: Printer, status: str | None = None, since: datetime | None = None, until: datetime | None = None
):
    """The printer's jobs that started in [since, until], newest first."""
    jobs = PrintJob.objects.filter(printer=printer)
    if status:
        jobs = jobs.filter(status=status)
    if since is not None:
        jobs = jobs.filter(started_at__gte=since)
    if until is not None:
        jobs = jobs.filter(started_at__lte=until)
    return jobs.order_by("-started_at", "-pk")


def print_job_totals(*, printer: Printer, since: datetime | None = None, until: datetime | None = None) -> dict:
    """Jobs per status (every status, zeros included), print time, time from start to end and filament."""
    jobs = print_jobs(printer=printer, since=since, until=until).order_by()
    zero = Value(0.0, output_field=FloatField())
    totals = jobs.aggregate(
        jobs=Count("pk"),
        total_print_seconds=Coalesce(Sum("print_duration"), zero),
        total_duration_seconds=Coalesce(Sum("total_duration"), zero),
        total_filament_mm=Coalesce(Sum("filament_used"), zero),
        **{f"count_{value}": Count("pk", filter=Q(status=value)) for value in PrintJobStatus.values},
    )
    counts = {value: totals.pop(f"count_{value}") for value in PrintJobStatus.values}
    return {"counts": counts, **totals}
