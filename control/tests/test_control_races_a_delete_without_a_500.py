"""A control call on a printer that is deleted while the call is on its way answers 404 (before it acted) or what
the printer did (after), never 500; its printer_actions row keeps the slug, with no printer.

Before: the demo path fell back to the stale printer and its save(update_fields=...) raised DatabaseError; the
Moonraker path recorded printer=<the deleted printer> and its commit failed on the foreign key."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from control import services
from control.api import views
from control.tests.conftest import CONTROL_HEADERS, audit_rows
from status import printer_services
from status.models import Printer, PrinterAction
from status.tests.bridge.conftest import wait_for
from status.tests.printer_api import ADMIN_TOKEN

GONE = "No printer with slug {slug!r} any more (it was deleted); GET /api/printers/ lists them."


@pytest.fixture
def demo_printing(db):
    """A demo printer ten minutes into its cycle: printing, so pause works."""
    printer = Printer.objects.create(slug="demo-2", name="Demo 2", source_kind="demo", source_config={"seed": 1})
    Printer.objects.filter(pk=printer.pk).update(created_at=timezone.now() - timedelta(seconds=600))
    return Printer.objects.get(pk=printer.pk)


@pytest.fixture
def deleted_after_the_view_read_it(monkeypatch):
    """The printer goes after the view looked it up and before the service acts (another request's DELETE)."""
    act = views.printer_action

    def racing(*, printer, **kwargs):
        if printer is not None:
            Printer.objects.filter(pk=printer.pk).delete()
        return act(printer=printer, **kwargs)

    monkeypatch.setattr(views, "printer_action", racing)


def trail() -> list[tuple]:
    return list(
        PrinterAction.objects.order_by("pk").values_list(
            "printer_id", "printer_slug", "action", "outcome", "status_code"
        )
    )


@pytest.mark.django_db
def test_a_demo_action_on_a_printer_deleted_meanwhile_is_a_404_and_recorded(
    control, demo_printing, deleted_after_the_view_read_it
):
    response = control.post("demo-2", "actions/pause")

    assert response.status_code == 404
    assert response.json() == {"detail": GONE.format(slug="demo-2")}
    assert trail() == [(None, "demo-2", "pause", "rejected", 404)]
    assert not Printer.objects.filter(slug="demo-2").exists()  # not re-created by the simulation's write


@pytest.mark.django_db
def test_a_moonraker_call_on_a_printer_deleted_before_it_acted_is_a_404_and_moonraker_is_not_asked(
    control, fake_moonraker, moonraker_row, deleted_after_the_view_read_it
):
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "gcode", {"script": "G28"})

    assert response.status_code == 404
    assert response.json() == {"detail": GONE.format(slug="voron")}
    assert fake_moonraker.requests == []
    assert audit_rows()[0]["arguments"] == {"script": "G28"}
    assert trail() == [(None, "voron", "gcode", "rejected", 404)]


# Committed transactions from here on: the foreign key is checked at commit (it is deferred), so a test
# inside one rolled-back transaction would not see the violation the old code ran into.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_moonraker_call_whose_printer_is_deleted_while_moonraker_acts_answers_what_moonraker_did(
    control, fake_moonraker, moonraker_row, monkeypatch
):
    moonraker_row(fake_moonraker.url)
    call = services._call

    def deleted_while_acting(client, printer, **kwargs):
        done = call(client, printer, **kwargs)  # Moonraker has paused the printer
        printer_services.printer_delete(printer=Printer.objects.get(pk=printer.pk))
        return done

    monkeypatch.setattr(services, "_call", deleted_while_acting)

    response = control.post("voron", "actions/pause")

    assert response.status_code == 200
    assert response.json() == {"printer": "voron", "action": "pause", "result": "ok"}
    assert fake_moonraker.paths() == [("POST", "/printer/print/pause")]
    assert trail() == [(None, "voron", "pause", "ok", 200)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refusal_recorded_for_a_printer_deleted_meanwhile_keeps_the_slug(
    control, fake_moonraker, moonraker_row, deleted_after_the_view_read_it
):
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "gcode", {"script": ""})  # refused by the view: a bad body

    assert response.status_code == 400
    assert "script" in response.json()
    assert trail() == [(None, "voron", "gcode", "rejected", 400)]


def waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def in_thread(target, outcome: list) -> threading.Thread:
    def run():
        try:
            outcome.append(target())
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_demo_action_waiting_for_a_delete_to_commit_is_a_404(demo_printing):
    """PostgreSQL, two connections: a delete holds the printer's row; the action waits for it, then finds it gone."""
    deleted, commit = threading.Event(), threading.Event()

    def delete():
        with transaction.atomic():
            printer_services.printer_delete(printer=Printer.objects.get(pk=demo_printing.pk))
            deleted.set()
            assert commit.wait(20)
        return "deleted"

    deleting, acting = [], []
    deleter = in_thread(delete, deleting)
    assert deleted.wait(20)
    # The view still reads the printer (the delete has not committed); the service then waits on its row.
    actor = in_thread(lambda: Client().post("/api/printers/demo-2/actions/pause", **CONTROL_HEADERS), acting)
    wait_for(waiting_for_a_lock, timeout=20, what="the action waiting for the delete's lock")
    commit.set()
    deleter.join(20)
    actor.join(20)

    assert deleting == ["deleted"]
    assert len(acting) == 1
    assert acting[0].status_code == 404, acting
    assert acting[0].json() == {"detail": GONE.format(slug="demo-2")}
    assert trail() == [(None, "demo-2", "pause", "rejected", 404)]


@pytest.mark.on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_delete_waiting_for_an_audit_row_to_commit_detaches_it(settings, fake_moonraker, moonraker_row, monkeypatch):
    """PostgreSQL, two connections: a control call is writing its audit row when the printer is deleted.

    The delete waits for the row, then sets its printer to NULL; before, it missed the row and its own
    commit failed on the foreign key (a 500 for the DELETE)."""
    settings.PRINTER_ADMIN_TOKEN = ADMIN_TOKEN
    printer = moonraker_row(fake_moonraker.url)
    written, release = threading.Event(), threading.Event()
    record = services._record

    def slow_record(**kwargs):
        record(**kwargs)
        written.set()  # the row is in, its transaction still open
        assert release.wait(20)

    monkeypatch.setattr(services, "_record", slow_record)
    acting, deleting = [], []
    actor = in_thread(lambda: Client().post("/api/printers/voron/actions/pause", **CONTROL_HEADERS), acting)
    assert written.wait(20)
    admin = Client(headers={"X-Printer-Admin-Key": ADMIN_TOKEN})
    deleter = in_thread(lambda: admin.delete("/api/printers/voron"), deleting)
    wait_for(lambda: deleting or waiting_for_a_lock(), timeout=20, what="the delete waiting for the audit row's lock")
    release.set()
    actor.join(20)
    deleter.join(20)

    assert [r.status_code for r in acting] == [200], acting
    assert [r.status_code for r in deleting] == [204], deleting
    assert not Printer.objects.filter(pk=printer.pk).exists()
    assert trail() == [(None, "voron", "pause", "ok", 200)]
