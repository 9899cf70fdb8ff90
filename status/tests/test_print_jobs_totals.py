"""GET /api/printers/{slug}/jobs/totals: jobs per status (every status), print time, start-to-end time, filament."""

import pytest
from django.test import Client

from status.models import PrintJobStatus
from status.printer_services import print_jobs_record
from status.tests.factories import make_printer
from status.tests.print_jobs import START, history_job

pytestmark = pytest.mark.django_db


def totals(query: str = "", slug: str = "farm-1") -> dict:
    response = Client().get(f"/api/printers/{slug}/jobs/totals{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_printer_without_jobs_has_zeros_for_every_status():
    make_printer("farm-1")

    assert totals() == {
        "printer": "farm-1",
        "jobs": 0,
        "counts": dict.fromkeys(PrintJobStatus.values, 0),
        "total_print_seconds": 0.0,
        "total_duration_seconds": 0.0,
        "total_filament_mm": 0.0,
    }


def test_it_adds_up_the_printers_jobs():
    printer = make_printer("farm-1")
    print_jobs_record(
        printer=printer,
        jobs=[
            history_job("1", "completed", duration=100, filament_used=10.5),
            history_job("2", "completed", start=START + 1000, duration=200, filament_used=20.0),
            history_job("3", "cancelled", start=START + 2000, duration=50, filament_used=1.0),
            history_job("4", "in_progress", start=START + 3000, duration=10, filament_used=0.5),
        ],
    )
    print_jobs_record(printer=make_printer("farm-2"), jobs=[history_job("1", duration=9999)])

    body = totals()

    assert body["jobs"] == 4
    assert body["counts"] == {
        **dict.fromkeys(PrintJobStatus.values, 0),
        "completed": 2,
        "cancelled": 1,
        "in_progress": 1,
    }
    assert body["total_print_seconds"] == 360.0
    assert body["total_duration_seconds"] == 360.0 + 4 * 60
    assert body["total_filament_mm"] == 32.0
    # Recording the same jobs again changes nothing.
    print_jobs_record(printer=printer, jobs=[history_job("1", "completed", duration=100, filament_used=10.5)])
    assert totals() == body


def test_since_and_until_limit_it_to_jobs_started_then():
    printer = make_printer("farm-1")
    print_jobs_record(printer=printer, jobs=[history_job("1", duration=100), history_job("2", start=START + 10**6)])

    assert totals("?since=2026-11-25T00:00:00%2B00:00")["jobs"] == 1
    assert totals("?until=2026-11-25T00:00:00%2B00:00")["total_print_seconds"] == 100.0


def test_a_bad_range_is_a_400_and_an_unknown_printer_a_404():
    make_printer("farm-1")

    assert "since" in Client().get("/api/printers/farm-1/jobs/totals?since=soon").json()
    assert Client().get("/api/printers/ghost/jobs/totals").status_code == 404
