"""print_jobs_record skips entries it cannot use, with a log line, keeps the rest, and never raises for bad input."""

import logging
import math

import pytest

from status.models import PrintJob
from status.printer_services import print_jobs_record
from status.tests.factories import make_printer
from status.tests.print_jobs import history_job

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("bad", "logged"),
    [
        ("not a dict", "not an object"),
        (None, "not an object"),
        (history_job(job_id=None), "job_id"),
        (history_job(job_id=""), "job_id"),
        (history_job(job_id="x" * 65), "job_id is longer"),
        (history_job(job_id="a\x00b"), "NUL"),
        (history_job(status="exploded"), "status 'exploded'"),
        (history_job(status=None), "status None"),
        (history_job(filename=7), "filename"),
        (history_job(filename="x" * 1025), "filename is longer"),
        (history_job(start_time=None), "start_time"),
        (history_job(start_time="yesterday"), "start_time"),
        (history_job(start_time=math.nan), "start_time"),
        (history_job(start_time=1e20), "start_time"),
        (history_job(start_time=True), "start_time"),
    ],
)
def test_a_bad_entry_is_skipped_and_logged(caplog, bad, logged):
    printer = make_printer()

    with caplog.at_level(logging.WARNING, logger="status.printer_services"):
        stored = print_jobs_record(printer=printer, jobs=[bad, history_job("000009")])

    assert stored == 1
    assert list(PrintJob.objects.values_list("job_id", flat=True)) == ["000009"]
    assert logged in caplog.text
    assert printer.slug in caplog.text


def test_odd_numbers_become_defaults_and_the_job_is_kept():
    printer = make_printer()
    job = history_job(
        print_duration="long",
        total_duration=-5,
        filament_used=math.inf,
        end_time="soon",
        metadata={"estimated_time": "n/a", "layer_height": True, "object_height": 10**400, "filament_total": None},
    )

    assert print_jobs_record(printer=printer, jobs=[job]) == 1

    stored = PrintJob.objects.get()
    assert (stored.print_duration, stored.total_duration, stored.filament_used, stored.ended_at) == (0, 0, 0, None)
    assert (stored.estimated_time, stored.layer_height, stored.object_height, stored.filament_total) == (None,) * 4


@pytest.mark.parametrize(
    "metadata",
    ["a string", [1, 2], {"note": "a\x00b"}, {"value": math.nan}, {"blob": "x" * 70_000}, {"obj": object()}],
)
def test_metadata_that_cannot_be_kept_is_left_out(metadata):
    printer = make_printer()

    assert print_jobs_record(printer=printer, jobs=[history_job(metadata=metadata)]) == 1

    assert PrintJob.objects.get().metadata == {}


def test_an_int_job_id_is_taken_as_its_text():
    printer = make_printer()

    print_jobs_record(printer=printer, jobs=[history_job(job_id=17)])

    assert PrintJob.objects.get().job_id == "17"


@pytest.mark.parametrize("jobs", [None, "jobs", {"job_id": "1"}, 5, []])
def test_something_that_is_not_a_list_stores_nothing(jobs):
    assert print_jobs_record(printer=make_printer(), jobs=jobs) == 0
    assert not PrintJob.objects.exists()
