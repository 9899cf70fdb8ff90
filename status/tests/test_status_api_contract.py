"""The three endpoints of the product description keep their shape."""

import re

import pytest

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
JOB_KEYS = {
    "id",
    "name",
    "progress",
    "status",
    "started_at",
    "estimated_completion",
    "current_layer",
    "total_layers",
    "elapsed_seconds",
    "thumbnail_url",
}
TEMPERATURE_KEYS = {"component", "actual", "target", "timestamp"}

pytestmark = pytest.mark.django_db


def test_status_has_the_contract_shape(client):
    body = client.get("/api/status").json()
    assert set(body) == {
        "printer",
        "state",
        "message",
        "uptime_seconds",
        "active_job",
        "queued_jobs",
        "temperatures",
        "fans",
        "toolhead",
        "updated_at",
    }
    assert body["printer"] == "demo"
    assert body["state"] in {"idle", "printing", "paused", "error", "offline"}
    assert ISO_UTC.match(body["updated_at"])
    for job in [*([body["active_job"]] if body["active_job"] else []), *body["queued_jobs"]]:
        assert set(job) == JOB_KEYS
        assert 0.0 <= job["progress"] <= 1.0
    assert {t["component"] for t in body["temperatures"]} == {"extruder", "heater_bed", "chamber"}
    for reading in body["temperatures"]:
        assert set(reading) == TEMPERATURE_KEYS
        assert ISO_UTC.match(reading["timestamp"])


def test_jobs_lists_the_active_job_first_then_the_queue(client):
    status = client.get("/api/status").json()
    jobs = client.get("/api/jobs").json()
    expected = ([status["active_job"]["id"]] if status["active_job"] else []) + [j["id"] for j in status["queued_jobs"]]
    assert [job["id"] for job in jobs] == expected
    assert all(set(job) == JOB_KEYS for job in jobs)


def test_temperatures_lists_the_latest_readings(client):
    readings = client.get("/api/temperatures").json()
    assert [set(r) for r in readings] == [TEMPERATURE_KEYS] * 3


def test_an_unknown_printer_is_a_404_naming_it(client):
    response = client.get("/api/status?printer=ghost")
    assert response.status_code == 404
    assert "printer='ghost'" in response.json()["detail"]


def test_printers_lists_each_printer_with_its_latest_state(client):
    client.get("/api/status")
    body = client.get("/api/printers/").json()
    assert body["count"] == 1
    (demo,) = body["results"]
    assert demo["slug"] == "demo"
    assert demo["state"] in {"idle", "printing", "paused", "error"}


def test_the_endpoints_are_in_the_openapi_schema(client):
    import yaml

    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    for path in ("/api/status", "/api/jobs", "/api/temperatures", "/api/printers/", "/api/history/temperatures"):
        assert "200" in paths[path]["get"]["responses"], path
