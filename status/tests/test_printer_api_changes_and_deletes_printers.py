"""PATCH changes only the fields sent; DELETE removes the printer with its history and jobs; both need the token."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from status.models import Printer, PrintJob, StatusSnapshot
from status.printer_services import print_jobs_record
from status.services import snapshot_record
from status.tests.factories import make_status
from status.tests.printer_api import moonraker_body

pytestmark = pytest.mark.django_db


def test_create_answers_the_printer_and_where_it_is(admin_api):
    response = admin_api.post(
        "/api/printers/",
        moonraker_body(tags=["farm-a", "pla", "farm-a"], enabled=False, moonraker_url="https://10.0.0.5:7125/mr"),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response["Location"] == "http://testserver/api/printers/mk-1"
    body = response.json()
    assert {k: body[k] for k in ("slug", "name", "source_kind", "enabled", "moonraker_url", "tags", "has_api_key")} == {
        "slug": "mk-1",
        "name": "Moonraker 1",
        "source_kind": "moonraker",
        "enabled": False,
        "moonraker_url": "https://10.0.0.5:7125/mr",
        "tags": ["farm-a", "pla"],  # repeats dropped
        "has_api_key": False,
    }
    assert body["connection"]["state"] == "disabled"
    assert (body["state"], body["state_at"]) == (None, None)
    assert body["created_at"].endswith("+00:00")
    assert Client().get("/api/printers/mk-1").json() == body


def test_patch_changes_only_what_is_sent(admin_api):
    admin_api.post("/api/printers/", moonraker_body(tags=["a"]), content_type="application/json")

    response = admin_api.patch(
        "/api/printers/mk-1", {"name": "Bay 3", "enabled": False}, content_type="application/json"
    )

    assert response.status_code == 200
    printer = Printer.objects.get(slug="mk-1")
    assert (printer.name, printer.enabled, printer.tags, printer.moonraker_url) == (
        "Bay 3",
        False,
        ["a"],
        "http://127.0.0.1:7125",
    )
    assert response.json()["connection"]["state"] == "disabled"


def test_an_empty_patch_changes_nothing(admin_api):
    before = Client().get("/api/printers/demo").json()

    response = admin_api.patch("/api/printers/demo", {}, content_type="application/json")

    assert response.status_code == 200
    assert response.json() == before


def test_delete_removes_the_printer_with_its_history_and_jobs(admin_api):
    admin_api.post("/api/printers/", moonraker_body(), content_type="application/json")
    printer = Printer.objects.get(slug="mk-1")
    snapshot_record(printer=printer, status=make_status(datetime(2026, 11, 1, tzinfo=UTC)))
    print_jobs_record(
        printer=printer,
        jobs=[
            {"job_id": "000001", "filename": "a.gcode", "status": "completed", "start_time": 1.8e9, "end_time": 1.8e9}
        ],
    )

    response = admin_api.delete("/api/printers/mk-1")

    assert response.status_code == 204
    assert not Printer.objects.filter(slug="mk-1").exists()
    assert not StatusSnapshot.objects.filter(printer_id=printer.pk).exists()
    assert not PrintJob.objects.filter(printer_id=printer.pk).exists()
    assert Client().get("/api/printers/mk-1").status_code == 404
    assert admin_api.delete("/api/printers/mk-1").status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_unknown_printer_is_a_404_naming_it(admin_api, method):
    response = getattr(admin_api, method)("/api/printers/ghost", content_type="application/json")

    assert response.status_code == 404
    assert "'ghost'" in response.json()["detail"]


def test_a_path_that_is_no_slug_is_a_json_404(admin_api):
    response = Client().get("/api/printers/" + "x" * 65)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
