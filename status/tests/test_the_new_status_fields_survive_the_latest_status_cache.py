"""Fans, toolhead and the job's layers, elapsed time and thumbnail survive the latest-status cache (Redis in
scaled mode) on their way to GET /api/status; a status cached before these fields existed still reads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from status.services import LatestStatus, latest_keep_many, latest_key
from status.sources import Fan, Job, PrinterStatus, TemperatureReading, Toolhead
from status.tests.factories import make_printer

pytestmark = pytest.mark.django_db


def moonraker_printer():
    return make_printer("mk4", source_kind="moonraker", moonraker_url="http://127.0.0.1:7125", source_config={})


def test_get_status_answers_the_new_fields_from_the_cache(client):
    printer = moonraker_printer()
    now = timezone.now()
    job = Job(
        id="0001A",
        name="plates/cube.gcode",
        progress=0.5,
        status="running",
        started_at=now - timedelta(minutes=10),
        current_layer=12,
        total_layers=40,
        elapsed_seconds=600.25,
        thumbnail_url="/api/printers/mk4/thumbnail?file=plates/cube.gcode",
    )
    status = PrinterStatus(
        state="printing",
        message="Printing plates/cube.gcode",
        uptime_seconds=100,
        updated_at=now,
        active_job=job,
        temperatures=(TemperatureReading("temperature_sensor chamber", 31.5, None, now),),
        fans=(Fan("fan", 0.5), Fan("heater_fan hotend_fan", 1.0)),
        toolhead=Toolhead(x=10.5, y=20.0, z=2.4, homed_axes="xyz"),
    )
    latest_keep_many(entries={printer.pk: LatestStatus(status=status, reported_at=now)})

    body = client.get("/api/status?printer=mk4").json()

    assert body["fans"] == [{"name": "fan", "speed": 0.5}, {"name": "heater_fan hotend_fan", "speed": 1.0}]
    assert body["toolhead"] == {"x": 10.5, "y": 20.0, "z": 2.4, "homed_axes": "xyz"}
    assert body["temperatures"][0]["target"] is None
    active = body["active_job"]
    assert (active["current_layer"], active["total_layers"], active["elapsed_seconds"]) == (12, 40, 600.25)
    assert active["thumbnail_url"] == "/api/printers/mk4/thumbnail?file=plates/cube.gcode"


def test_a_status_cached_before_the_new_fields_reads_with_none_of_them(client):
    from django.core.cache import cache

    printer = moonraker_printer()
    now = timezone.now()
    # As an older version pickled them: no fans and toolhead on the status, no layers etc. on the job.
    job = object.__new__(Job)
    for name, value in {"id": "j", "name": "a.gcode", "progress": 0.1, "status": "running"}.items():
        object.__setattr__(job, name, value)
    object.__setattr__(job, "started_at", None)
    object.__setattr__(job, "estimated_completion", None)
    old = object.__new__(PrinterStatus)
    fields = {"state": "printing", "message": "", "uptime_seconds": 1, "updated_at": now, "active_job": job}
    for name, value in {**fields, "queued_jobs": (), "temperatures": ()}.items():
        object.__setattr__(old, name, value)
    assert "fans" not in vars(old)
    # The cache pickles it (Redis in scaled mode, LocMemCache in embedded mode) and reads it back.
    cache.set(latest_key(printer.pk), LatestStatus(status=old, reported_at=now), timeout=60)

    body = client.get("/api/status?printer=mk4").json()

    assert (body["fans"], body["toolhead"]) == ([], None)
    assert body["active_job"]["current_layer"] is None
    assert body["active_job"]["thumbnail_url"] is None
