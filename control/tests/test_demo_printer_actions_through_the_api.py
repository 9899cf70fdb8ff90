"""The control API on a demo printer: its simulation changes, its status shows it at once, each call is recorded."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from control.tests.conftest import audit_rows
from status.models import Printer, StatusSnapshot
from status.selectors import latest_status_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_printing():
    """A demo printer ten minutes into its cycle: printing."""
    printer = Printer.objects.create(slug="demo-2", name="Demo 2", source_kind="demo", source_config={"seed": 1})
    Printer.objects.filter(pk=printer.pk).update(created_at=timezone.now() - timedelta(seconds=600))
    return Printer.objects.get(pk=printer.pk)


def state(client, slug):
    return client.get("/api/status", {"printer": slug}).json()


def test_pause_resume_cancel_and_emergency_stop_show_in_its_status(client, control, demo_printing):
    assert state(client, "demo-2")["state"] == "printing"

    paused = control.post("demo-2", "actions/pause")
    assert paused.status_code == 200
    assert paused.json() == {"printer": "demo-2", "action": "pause", "result": "ok"}
    # Ingested at once: the latest status every reader (and /ws/status) sees, and a snapshot for the change.
    assert latest_status_entry(printer=demo_printing).status.state == "paused"
    assert StatusSnapshot.objects.filter(printer=demo_printing, state="paused").exists()
    assert "paused_at" in Printer.objects.get(pk=demo_printing.pk).simulation
    assert state(client, "demo-2")["state"] == "paused"

    assert control.post("demo-2", "actions/resume").status_code == 200
    assert state(client, "demo-2")["state"] == "printing"

    assert control.post("demo-2", "actions/cancel").status_code == 200
    body = state(client, "demo-2")
    assert body["state"] == "idle"
    assert body["active_job"]["status"] == "cancelled"

    assert control.post("demo-2", "actions/emergency-stop").status_code == 200
    body = state(client, "demo-2")
    assert (body["state"], body["message"]) == ("error", "Emergency stop")

    assert control.post("demo-2", "actions/firmware-restart").status_code == 200
    assert state(client, "demo-2")["state"] == "idle"

    assert [(r["action"], r["outcome"], r["status_code"]) for r in audit_rows()] == [
        ("pause", "ok", 200),
        ("resume", "ok", 200),
        ("cancel", "ok", 200),
        ("emergency-stop", "ok", 200),
        ("firmware-restart", "ok", 200),
    ]


def test_pausing_an_idle_demo_printer_is_a_409_like_a_real_one(control, demo_printing):
    control.post("demo-2", "actions/cancel")

    response = control.post("demo-2", "actions/pause")

    assert response.status_code == 409
    assert "Printer is not printing" in response.json()["detail"]
    assert [(r["action"], r["outcome"], r["status_code"]) for r in audit_rows()][-1] == ("pause", "failed", 409)


@pytest.mark.parametrize(
    ("method", "rest", "body"),
    [("post", "gcode", {"script": "G28"}), ("post", "print", {"filename": "cube.gcode"}), ("get", "files", None)],
)
def test_gcode_files_and_print_are_a_409_the_demo_printer_has_none(control, demo_printing, method, rest, body):
    response = control.post("demo-2", rest, body) if method == "post" else control.get("demo-2", rest)

    assert response.status_code == 409
    assert "demo printer" in response.json()["detail"]
    assert audit_rows()[0]["outcome"] == "rejected"


def test_an_upload_to_the_demo_printer_is_refused_unread(control, demo_printing, settings):
    settings.PRINTER_FILE_MAX_BYTES = 10  # had the body been read, this would be a 413

    response = control.post("demo-2", "files", data={"file": SimpleUploadedFile("cube.gcode", b"G28\n" * 100)})

    assert response.status_code == 409
    assert "demo printer" in response.json()["detail"]
    assert audit_rows()[0]["arguments"] == {}


def test_a_disabled_demo_printer_is_refused(control, demo_printing):
    Printer.objects.filter(pk=demo_printing.pk).update(enabled=False)

    response = control.post("demo-2", "actions/pause")

    assert response.status_code == 409
    assert "disabled" in response.json()["detail"]
    assert Printer.objects.get(pk=demo_printing.pk).simulation == {}
