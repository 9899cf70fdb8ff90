"""GET /api/printers/{slug}/jobs.csv: the jobs of GET .../jobs (same filters, every page) as a streamed CSV
download, times in UTC with offset, text a spreadsheet would run as a formula made harmless."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from status.printer_services import print_jobs_record
from status.tests.factories import make_printer
from status.tests.print_jobs import START, history_job

pytestmark = pytest.mark.django_db
HOUR = 3600
HEADER = [
    "job_id",
    "filename",
    "status",
    "started_at",
    "ended_at",
    "print_duration",
    "total_duration",
    "filament_used",
    "estimated_time",
    "filament_total",
    "layer_height",
    "object_height",
]


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
    print_jobs_record(printer=make_printer("farm-2"), jobs=[history_job("000000", start=START + 99 * HOUR)])
    return printer


def exported(query: str = "", slug: str = "farm-1"):
    return Client().get(f"/api/printers/{slug}/jobs.csv{query}", headers={"Accept": "text/csv"})


def rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = response.getvalue().decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_every_job_newest_first_with_a_header_row(jobs):
    response = exported()

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="farm-1-jobs.csv"'
    table = rows(response)
    assert table[0] == HEADER
    assert [row[0] for row in table[1:]] == ["000004", "000003", "000002", "000001", "000000"]
    running, errored = table[1], table[2]
    assert running[2:5] == ["in_progress", datetime.fromtimestamp(START + 4 * HOUR, UTC).isoformat(), ""]
    assert errored == [
        "000003",
        "parts/000003.gcode",
        "error",
        datetime.fromtimestamp(START + 3 * HOUR, UTC).isoformat(),
        datetime.fromtimestamp(START + 3 * HOUR + 660, UTC).isoformat(),
        "600.0",
        "660.0",
        "1234.5",
        "3700.0",
        "1500.0",
        "0.2",
        "42.0",
    ]
    assert errored[3].endswith("+00:00")


def test_the_filters_of_the_list_apply(jobs):
    since = datetime.fromtimestamp(START + HOUR, UTC).isoformat()
    until = datetime.fromtimestamp(START + 3 * HOUR, UTC).isoformat()

    completed = rows(exported("?status=completed"))
    in_range = rows(exported(f"?since={since}&until={until}".replace("+", "%2B")))

    assert [row[0] for row in completed[1:]] == ["000002", "000000"]
    assert [row[0] for row in in_range[1:]] == ["000003", "000002", "000001"]


def test_more_jobs_than_a_page_are_all_there(db):
    printer = make_printer("busy")
    print_jobs_record(printer=printer, jobs=[history_job(f"{n:06x}", start=START + n * 60) for n in range(620)])

    table = rows(exported(slug="busy"))

    assert len(table) == 1 + 620
    assert table[1][0] == f"{619:06x}"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil")', "+1+1.gcode", "-2+3.gcode", "@SUM(A1).gcode"])
def test_text_that_a_spreadsheet_would_run_is_prefixed(db, name):
    printer = make_printer("farm-3")
    print_jobs_record(printer=printer, jobs=[history_job("=1+1", filename=name)])

    [_header, row] = rows(exported(slug="farm-3"))

    assert (row[0], row[1]) == ("'=1+1", "'" + name)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?status=paused", "status"),
        ("?since=yesterday", "since"),
        ("?since=2026-12-02T00:00:00&until=2026-12-01", "since"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(jobs, query, field):
    response = exported(query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()


def test_an_unknown_printer_is_a_404(db):
    response = exported(slug="nope")

    assert response.status_code == 404
    assert "nope" in response.json()["detail"]
