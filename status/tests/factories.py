"""Builders for status rows in tests."""

from datetime import UTC, datetime, timedelta

from status.models import Printer
from status.sources import Job, PrinterStatus, TemperatureReading

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def make_printer(slug="farm-1", **fields) -> Printer:
    fields.setdefault("name", slug.title())
    fields.setdefault("source_config", {"seed": 7})
    return Printer.objects.create(slug=slug, **fields)


def make_status(at: datetime = T0, *, state="printing", temps=None, jobs=1, queued=2) -> PrinterStatus:
    temps = (
        temps
        if temps is not None
        else {"extruder": (210.0, 215.0), "heater_bed": (59.5, 60.0), "chamber": (30.0, None)}
    )
    active = (
        Job("job-1", "cube.gcode", 0.5, "running", at - timedelta(minutes=10), at + timedelta(minutes=10))
        if jobs
        else None
    )
    return PrinterStatus(
        state=state,
        message="",
        uptime_seconds=100,
        updated_at=at,
        active_job=active,
        queued_jobs=tuple(Job(f"q-{n}", f"queued-{n}.gcode", 0.0, "queued") for n in range(queued)),
        temperatures=tuple(TemperatureReading(name, actual, target, at) for name, (actual, target) in temps.items()),
    )
