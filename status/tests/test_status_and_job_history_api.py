"""Read API over the status and job history."""

from datetime import timedelta

import pytest

from status.services import snapshot_record
from status.sources import Job
from status.tests.factories import T0, make_printer, make_status

pytestmark = pytest.mark.django_db


def test_status_history_is_newest_first_and_filtered_by_time(client):
    printer = make_printer()
    for n in range(5):
        snapshot_record(printer=printer, status=make_status(T0 + timedelta(minutes=n)))
    body = client.get(
        "/api/history/status",
        {
            "printer": printer.slug,
            "since": (T0 + timedelta(minutes=1)).isoformat(),
            "until": (T0 + timedelta(minutes=3)).isoformat(),
        },
    ).json()
    assert body["count"] == 3
    assert [row["recorded_at"] for row in body["results"]] == [
        "2026-11-01T12:03:00+00:00",
        "2026-11-01T12:02:00+00:00",
        "2026-11-01T12:01:00+00:00",
    ]


def test_a_page_past_the_end_is_a_404_naming_the_page(client):
    printer = make_printer()
    snapshot_record(printer=printer, status=make_status())
    response = client.get("/api/history/status", {"printer": printer.slug, "page": 3})
    assert response.status_code == 404
    assert response.json()["detail"] == "page='3' does not exist; pages run from 1 to 1."


def test_job_history_lists_each_job_once_with_counts_and_print_time(client):
    printer = make_printer()
    for minute, (status, progress) in enumerate(
        [("running", 0.1), ("paused", 0.4), ("running", 0.6), ("completed", 1.0)]
    ):
        at = T0 + timedelta(minutes=minute)
        job = Job("job-a", "a.gcode", progress, status, T0, None)
        snapshot_record(
            printer=printer,
            status=make_status(at, jobs=0, queued=0).__class__(
                state="printing", message="", uptime_seconds=1, updated_at=at, active_job=job
            ),
        )
    snapshot_record(printer=printer, status=make_status(T0 + timedelta(minutes=5), jobs=0, queued=1))
    body = client.get("/api/history/jobs", {"printer": printer.slug}).json()
    assert [(row["id"], row["status"]) for row in body["results"]] == [("q-0", "queued"), ("job-a", "completed")]
    statistics = body["statistics"]
    assert statistics["counts"]["completed"] == 1
    assert statistics["counts"]["queued"] == 1
    assert statistics["jobs"] == 2
    assert statistics["total_print_seconds"] == 120.0  # running/paused seen from minute 0 to minute 2
