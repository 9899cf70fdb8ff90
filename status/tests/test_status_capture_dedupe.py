"""Each call stores its status, but at most once per STATUS_HISTORY_MIN_INTERVAL_MS per printer."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from status.models import JobSnapshot, StatusSnapshot, TemperatureSample
from status.services import status_capture
from status.tests.factories import T0, make_printer

pytestmark = pytest.mark.django_db


def test_a_flood_of_calls_stores_one_snapshot_per_interval(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 1000
    printer = make_printer()
    captures = [status_capture(printer=printer, now=T0 + timedelta(milliseconds=10 * n)) for n in range(50)]
    assert StatusSnapshot.objects.filter(printer=printer).count() == 1
    assert captures[0].snapshot is not None
    assert all(capture.snapshot is None for capture in captures[1:])
    # ... while every call answered with a status of its own moment.
    assert len({capture.status.updated_at for capture in captures}) == 50
    status_capture(printer=printer, now=T0 + timedelta(milliseconds=1000))
    assert StatusSnapshot.objects.filter(printer=printer).count() == 2


def test_the_interval_is_per_printer(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 1000
    first, second = make_printer("a"), make_printer("b")
    status_capture(printer=first, now=T0)
    status_capture(printer=second, now=T0)
    assert StatusSnapshot.objects.count() == 2


def test_the_database_decides_when_the_cache_forgot(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 1000
    printer = make_printer()
    status_capture(printer=printer, now=T0)
    cache.clear()  # another process, or a restarted one
    status_capture(printer=printer, now=T0 + timedelta(milliseconds=500))
    assert StatusSnapshot.objects.count() == 1


def test_a_stored_snapshot_holds_its_temperatures_and_jobs():
    printer = make_printer()
    capture = status_capture(printer=printer, now=printer.created_at + timedelta(seconds=600))  # printing
    snapshot = capture.snapshot
    assert snapshot.state == capture.status.state == "printing"
    temperatures = TemperatureSample.objects.filter(snapshot=snapshot)
    assert sorted(temperatures.values_list("component", flat=True)) == ["chamber", "extruder", "heater_bed"]
    jobs = list(JobSnapshot.objects.filter(snapshot=snapshot).order_by("position"))
    assert jobs[0].position == 0
    assert jobs[0].job_id == capture.status.active_job.id
    assert [job.job_id for job in jobs[1:]] == [job.id for job in capture.status.queued_jobs]


def test_get_status_writes_history(client):
    client.get("/api/status")
    assert StatusSnapshot.objects.filter(printer__slug="demo").count() == 1
    assert TemperatureSample.objects.count() == 3
