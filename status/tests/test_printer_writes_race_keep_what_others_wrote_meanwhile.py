"""A change to a printer (PATCH, the admin) writes only the fields it changes: a demo control action's simulation,
or a field another writer changed, written after the change read the printer, stays. A plain save() wrote every
column back as the request had read it."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from control.services import printer_action
from status import admin as status_admin
from status import printer_services
from status.models import Printer
from status.tests.printer_api import ADMIN_TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def printing():
    """A demo printer ten minutes into its cycle (printing), so pause works."""
    printer = printer_services.printer_create(slug="bay-1", name="Bay 1", source_kind="demo", source_config={"seed": 1})
    Printer.objects.filter(pk=printer.pk).update(created_at=timezone.now() - timedelta(seconds=600))
    return Printer.objects.get(pk=printer.pk)


def pause(printer: Printer) -> None:
    """A demo control action, as POST .../actions/pause does it: it writes the printer's simulation."""
    printer_action(printer=Printer.objects.get(pk=printer.pk), action="pause", arguments={}, client_address=None)


def stored(printer: Printer) -> Printer:
    return Printer.objects.get(pk=printer.pk)


@pytest.fixture
def during_update(monkeypatch):
    """``during_update(do)``: run ``do()`` once inside printer_update, after it read the printer, before it writes."""
    checked = printer_services._check

    def arrange(do):
        pending = [do]

        def racing_check(printer):
            checked(printer)
            while pending:
                pending.pop()()

        monkeypatch.setattr(printer_services, "_check", racing_check)

    return arrange


@pytest.fixture
def during_admin_form(monkeypatch):
    """``during_admin_form(do)``: run ``do()`` once after the admin read the printer and checked the form."""
    cleaned = status_admin.PrinterForm.clean

    def arrange(do):
        pending = [do]

        def racing_clean(form):
            result = cleaned(form)
            while pending:
                pending.pop()()
            return result

        monkeypatch.setattr(status_admin.PrinterForm, "clean", racing_clean)

    return arrange


def admin_change(admin_client, printer: Printer, **fields):
    form = {
        "slug": printer.slug,
        "name": printer.name,
        "source_kind": "demo",
        "moonraker_url": "",
        "source_config": '{"seed": 1}',
        "enabled": "on",
        "tags_text": "",
        "new_api_key": "",
        **fields,
    }
    response = admin_client.post(reverse("admin:status_printer_change", args=[printer.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_a_patch_keeps_the_simulation_a_control_action_wrote_meanwhile(admin_api, printing, during_update):
    during_update(lambda: pause(printing))

    response = admin_api.patch("/api/printers/bay-1", {"name": "Renamed"}, content_type="application/json")

    assert response.status_code == 200
    after = stored(printing)
    assert after.name == "Renamed"
    assert "paused_at" in after.simulation  # the pause stands
    assert Client().get("/api/status", {"printer": "bay-1"}).json()["state"] == "paused"


def test_a_patch_keeps_a_field_another_writer_changed_meanwhile(admin_api, printing, during_update):
    during_update(lambda: Printer.objects.filter(pk=printing.pk).update(tags=["farm-b"]))

    response = admin_api.patch("/api/printers/bay-1", {"name": "Renamed"}, content_type="application/json")

    assert response.status_code == 200
    assert (stored(printing).name, stored(printing).tags) == ("Renamed", ["farm-b"])


def test_an_admin_save_keeps_the_simulation_a_control_action_wrote_meanwhile(admin_client, printing, during_update):
    during_update(lambda: pause(printing))

    admin_change(admin_client, printing, name="Renamed")

    after = stored(printing)
    assert after.name == "Renamed"
    assert "paused_at" in after.simulation


def test_an_admin_save_writes_only_the_fields_the_user_changed(admin_client, printing, during_admin_form):
    """The form holds every field as the admin read it; only the one the user changed is written."""
    during_admin_form(lambda: Printer.objects.filter(pk=printing.pk).update(name="Renamed elsewhere"))

    admin_change(admin_client, printing, enabled="")  # unticked: only enabled changes

    after = stored(printing)
    assert (after.enabled, after.name) == (False, "Renamed elsewhere")


def test_an_admin_save_after_the_service_read_writes_only_what_changed(admin_client, printing, during_update):
    during_update(lambda: Printer.objects.filter(pk=printing.pk).update(name="Renamed elsewhere"))

    admin_change(admin_client, printing, enabled="")

    after = stored(printing)
    assert (after.enabled, after.name) == (False, "Renamed elsewhere")


@pytest.mark.on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_patch_racing_a_control_action_on_another_connection_keeps_the_pause(monkeypatch, settings, printing):
    """Two real connections: the pause commits while the PATCH is between its read and its write."""
    settings.PRINTER_ADMIN_TOKEN = ADMIN_TOKEN
    read, paused = threading.Event(), threading.Event()
    outcome: list[object] = []
    checked = printer_services._check

    def waiting_check(printer):
        checked(printer)
        read.set()
        assert paused.wait(20)

    def patch():
        try:
            api = Client(headers={"X-Printer-Admin-Key": ADMIN_TOKEN})
            response = api.patch("/api/printers/bay-1", {"name": "Renamed"}, content_type="application/json")
            outcome.append(response.status_code)
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()

    monkeypatch.setattr(printer_services, "_check", waiting_check)
    patcher = threading.Thread(target=patch)
    patcher.start()
    assert read.wait(20)
    pause(printing)  # commits on this thread's connection
    paused.set()
    patcher.join(20)

    assert outcome == [200]
    after = stored(printing)
    assert after.name == "Renamed"
    assert "paused_at" in after.simulation
