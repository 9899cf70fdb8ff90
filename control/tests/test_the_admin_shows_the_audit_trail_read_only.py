"""The printer_actions audit trail is in the admin for staff to read; nobody adds, changes or deletes rows."""

import pytest

from status.models import PrinterAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def row():
    return PrinterAction.objects.create(
        printer_slug="voron",
        action="gcode",
        arguments={"script": "G28"},
        outcome="ok",
        status_code=200,
        detail="ok",
        client_address="192.0.2.7",
    )


def test_staff_see_the_list_and_a_row(admin_client, row):
    listing = admin_client.get("/admin/status/printeraction/")
    detail = admin_client.get(f"/admin/status/printeraction/{row.pk}/change/")

    assert listing.status_code == 200
    assert b"voron" in listing.content
    assert b"192.0.2.7" in listing.content
    assert detail.status_code == 200
    assert b"G28" in detail.content


def test_nobody_adds_changes_or_deletes(admin_client, row):
    assert admin_client.get("/admin/status/printeraction/add/").status_code == 403
    changed = admin_client.post(f"/admin/status/printeraction/{row.pk}/change/", {"detail": "edited"})
    assert changed.status_code == 403
    assert admin_client.post(f"/admin/status/printeraction/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PrinterAction.objects.get(pk=row.pk).detail == "ok"
