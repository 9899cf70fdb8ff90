"""GET /api/printers/{slug}/jobs: the printer's jobs, newest first, a page at a time, by ?status=, ?since=, ?until=."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from status.printer_services import print_jobs_record
from status.tests.factories import make_printer
from status.tests.print_jobs import START, history_job

pytestmark = pytest.mark.django_db
HOUR = 3600


@pytest.fixture
def jobs():
    printer = make_printer("farm-1")
    statuses = ["completed", "cancelled", "completed", "error", "in_progress"]
    print_jobs_record(
        printer=printer,
        jobs=[
            history_job(f"{n:06x}", status, start=START + n * HOUR, duration=600) for n, status in enumerate(statuses)
        ],
    )
    # Another printer's jobs never show.
    print_jobs_record(printer=make_printer("farm-2"), jobs=[history_job("000000", start=START + 99 * HOUR)])
    return printer


def listed(query: str = "", slug: str = "farm-1"):
    return Client().get(f"/api/printers/{slug}/jobs{query}")


def ids(response) -> list[str]:
    return [job["job_id"] for job in response.json()["results"]]


def test_newest_first_with_every_field(jobs):
    response = listed()

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert ids(response) == ["000004", "000003", "000002", "000001", "000000"]
    running, newest_final = body["results"][0], body["results"][1]
    assert running["status"] == "in_progress"
    assert running["ended_at"] is None
    assert newest_final == {
        "job_id": "000003",
        "filename": "parts/000003.gcode",
        "status": "error",
        "started_at": datetime.fromtimestamp(START + 3 * HOUR, UTC).isoformat(),
        "ended_at": datetime.fromtimestamp(START + 3 * HOUR + 660, UTC).isoformat(),
        "print_duration": 600.0,
        "total_duration": 660.0,
        "filament_used": 1234.5,
        "estimated_time": 3700.0,
        "filament_total": 1500.0,
        "layer_height": 0.2,
        "object_height": 42.0,
        "metadata": newest_final["metadata"],
    }
    assert newest_final["started_at"].endswith("+00:00")
    assert newest_final["metadata"]["slicer"] == "PrusaSlicer"


def test_pages(jobs):
    first = listed("?page_size=2")
    last = listed("?page_size=2&page=3")

    assert ids(first) == ["000004", "000003"]
    assert first.json()["next"].endswith("page=2&page_size=2")
    assert ids(last) == ["000000"]
    assert listed("?page_size=2&page=4").status_code == 404
    assert listed("?page_size=0").status_code == 400


def test_by_status(jobs):
    assert ids(listed("?status=completed")) == ["000002", "000000"]
    assert ids(listed("?status=in_progress")) == ["000004"]
    assert ids(listed("?status=klippy_shutdown")) == []


@pytest.mark.parametrize("value", ["done", "", "COMPLETED", "completed,error"])
def test_an_unknown_status_is_a_400_naming_it(jobs, value):
    response = listed(f"?status={value}")

    assert response.status_code == 400
    assert "is not a job status" in response.json()["status"][0]


def test_by_start_time(jobs):
    at = lambda n: datetime.fromtimestamp(START + n * HOUR, UTC).isoformat().replace("+", "%2B")  # noqa: E731

    assert ids(listed(f"?since={at(3)}")) == ["000004", "000003"]
    assert ids(listed(f"?until={at(1)}")) == ["000001", "000000"]
    assert ids(listed(f"?since={at(1)}&until={at(2)}")) == ["000002", "000001"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("?since=yesterday", "since"), ("?until=2026-13-01", "until"), ("?since=2026-12-02&until=2026-12-01", "since")],
)
def test_a_bad_time_is_a_400_naming_it(jobs, query, field):
    response = listed(query)

    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_printer_is_a_404(jobs):
    response = listed(slug="ghost")

    assert response.status_code == 404
    assert "'ghost'" in response.json()["detail"]
