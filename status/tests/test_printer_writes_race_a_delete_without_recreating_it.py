"""A change to a printer that another request deletes meanwhile is refused (404, an admin message); it never
re-creates the printer, as a plain save() (UPDATE, no row, so INSERT) did."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from status import printer_services
from status.models import Printer
from status.tests.printer_api import ADMIN_TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def meanwhile(monkeypatch):
    """``meanwhile(do)``: run ``do()`` once inside printer_update, after it read the printer and before it writes."""
    checked = printer_services._check

    def arrange(do):
        pending = [do]

        def racing_check(printer):
            checked(printer)
            while pending:
                pending.pop()()

        monkeypatch.setattr(printer_services, "_check", racing_check)

    return arrange


def delete(slug: str):
    return lambda: Printer.objects.filter(slug=slug).delete()


def printer(slug: str = "bay-1", **fields) -> Printer:
    return printer_services.printer_create(slug=slug, name=slug.title(), source_kind="demo", **fields)


def test_the_service_refuses_to_change_a_printer_deleted_since_it_was_read():
    stale = printer()
    Printer.objects.filter(pk=stale.pk).delete()

    with pytest.raises(printer_services.PrinterGone) as gone:
        printer_services.printer_update(printer=stale, name="Renamed")

    assert gone.value.status_code == 404
    assert gone.value.message == "No printer with slug 'bay-1' any more: it was deleted meanwhile."
    assert not Printer.objects.filter(pk=stale.pk).exists()
    assert stale.name == "Bay-1"  # left as it was, like any refused change


def test_a_patch_racing_a_delete_is_a_404_and_the_printer_stays_deleted(admin_api, meanwhile):
    printer("bay-1")
    meanwhile(delete("bay-1"))

    response = admin_api.patch("/api/printers/bay-1", {"name": "Renamed"}, content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"detail": "No printer with slug 'bay-1' any more: it was deleted meanwhile."}
    assert not Printer.objects.filter(slug="bay-1").exists()
    assert admin_api.get("/api/printers/bay-1").status_code == 404


def admin_change(admin_client, stored: Printer, **fields):
    form = {
        "slug": stored.slug,
        "name": stored.name,
        "source_kind": "demo",
        "moonraker_url": "",
        "source_config": "{}",
        "enabled": "on",
        "tags_text": "",
        "new_api_key": "",
        **fields,
    }
    return admin_client.post(reverse("admin:status_printer_change", args=[stored.pk]), form)


def test_an_admin_save_racing_a_delete_says_so_and_stores_nothing(admin_client, meanwhile):
    stored = printer("bay-1")
    meanwhile(delete("bay-1"))

    response = admin_change(admin_client, stored, name="Renamed")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:status_printer_changelist")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "No printer with slug 'bay-1' any more: it was deleted meanwhile. Nothing was saved."
    ]
    # The stand-in delete ran inside the admin's transaction, which the refusal rolled back (a
    # real one commits on its own connection: the PostgreSQL test below). What matters: the
    # change was not stored, as it was when save() turned into an INSERT of "Renamed".
    assert list(Printer.objects.filter(slug="bay-1").values_list("name", flat=True)) == ["Bay-1"]


def test_the_admin_disable_action_skips_a_printer_deleted_meanwhile(admin_client, meanwhile):
    first, second = printer("bay-1"), printer("bay-2")
    meanwhile(delete("bay-2"))  # while the action changes bay-1, bay-2 goes

    response = admin_client.post(
        reverse("admin:status_printer_changelist"),
        {"action": "disable_printers", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Disabled 1 printer(s).",
        "Deleted meanwhile, so not changed: bay-2.",
    ]
    assert list(Printer.objects.filter(slug__startswith="bay-").values_list("slug", "enabled")) == [("bay-1", False)]


@pytest.mark.on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("through", ["service", "api", "admin"])
def test_a_change_racing_a_delete_on_another_connection_never_recreates_the_printer(
    monkeypatch, settings, admin_user, through
):
    """Two real connections: the delete commits while the change is between its read and its write."""
    settings.PRINTER_ADMIN_TOKEN = ADMIN_TOKEN
    stale = printer("bay-1")
    read, deleted = threading.Event(), threading.Event()
    outcome: list[object] = []
    checked = printer_services._check

    def waiting_check(printer):
        checked(printer)
        read.set()
        assert deleted.wait(20)

    def change():
        try:
            if through == "service":
                printer_services.printer_update(printer=stale, name="Renamed")
                outcome.append("saved")
            elif through == "api":
                api = Client(headers={"X-Printer-Admin-Key": ADMIN_TOKEN})
                response = api.patch("/api/printers/bay-1", {"name": "Renamed"}, content_type="application/json")
                outcome.append((response.status_code, response.json()))
            else:
                admin = Client()
                admin.force_login(admin_user)
                response = admin_change(admin, stale, name="Renamed")
                outcome.append((response.status_code, [str(m) for m in get_messages(response.wsgi_request)]))
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()

    monkeypatch.setattr(printer_services, "_check", waiting_check)
    changer = threading.Thread(target=change)
    changer.start()
    assert read.wait(20)
    printer_services.printer_delete(printer=Printer.objects.get(slug="bay-1"))  # commits here
    deleted.set()
    changer.join(20)

    gone = "No printer with slug 'bay-1' any more: it was deleted meanwhile."
    if through == "service":
        assert len(outcome) == 1
        assert isinstance(outcome[0], printer_services.PrinterGone), outcome
    elif through == "api":
        assert outcome == [(404, {"detail": gone})]
    else:
        assert outcome == [(302, [f"{gone} Nothing was saved."])]
    assert not Printer.objects.filter(slug="bay-1").exists()
