"""Staff add, change, disable and delete Moonraker printers in the admin; the API key is never on a page."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from status.models import ConnectionState, Printer, PrinterConnection
from status.tests.printer_api import API_KEY

pytestmark = pytest.mark.django_db


def form(**fields) -> dict:
    return {
        "slug": "mk-1",
        "name": "Moonraker 1",
        "source_kind": "moonraker",
        "moonraker_url": "http://127.0.0.1:7125",
        "source_config": "{}",
        "enabled": "on",
        "tags_text": "",
        "new_api_key": "",
        **fields,
    }


def add(admin_client, **fields):
    return admin_client.post(reverse("admin:status_printer_add"), form(**fields))


def change_url(printer: Printer) -> str:
    return reverse("admin:status_printer_change", args=[printer.pk])


def test_staff_add_a_moonraker_printer_with_key_and_tags(admin_client):
    response = add(admin_client, new_api_key=API_KEY, tags_text="farm-a, pla farm-a")

    assert response.status_code == 302, response.content.decode()[:2000]
    printer = Printer.objects.get(slug="mk-1")
    assert (printer.source_kind, printer.moonraker_url, printer.api_key, printer.tags) == (
        "moonraker",
        "http://127.0.0.1:7125",
        API_KEY,
        ["farm-a", "pla"],
    )


def test_the_change_form_never_shows_the_key(admin_client):
    add(admin_client, new_api_key=API_KEY)
    printer = Printer.objects.get(slug="mk-1")

    page = admin_client.get(change_url(printer)).content.decode()

    assert API_KEY not in page
    assert 'type="password"' in page
    assert "A key is stored" in page
    assert "Remove the API key" in page


def test_an_empty_key_field_keeps_the_key_and_the_checkbox_removes_it(admin_client):
    add(admin_client, new_api_key=API_KEY)
    printer = Printer.objects.get(slug="mk-1")

    assert admin_client.post(change_url(printer), form(name="Renamed")).status_code == 302
    printer.refresh_from_db()
    assert (printer.name, printer.api_key) == ("Renamed", API_KEY)

    assert admin_client.post(change_url(printer), form(new_api_key="new-key-1")).status_code == 302
    printer.refresh_from_db()
    assert printer.api_key == "new-key-1"

    assert admin_client.post(change_url(printer), form(clear_api_key="on")).status_code == 302
    printer.refresh_from_db()
    assert printer.api_key == ""


def test_a_new_key_and_remove_at_once_is_a_form_error(admin_client):
    add(admin_client, new_api_key=API_KEY)
    printer = Printer.objects.get(slug="mk-1")

    response = admin_client.post(change_url(printer), form(new_api_key="other", clear_api_key="on"))

    assert response.status_code == 200
    assert "Either type a new key or remove the key" in response.content.decode()
    assert API_KEY not in response.content.decode()
    printer.refresh_from_db()
    assert printer.api_key == API_KEY


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"moonraker_url": "ftp://printer:7125"}, "Moonraker URL must start with http:// or https://"),
        ({"moonraker_url": ""}, "Moonraker URL is required for a printer of kind moonraker"),
        ({"moonraker_url": "http://me:pw@printer:7125"}, "without user"),
        ({"tags_text": "Farm A"}, "is not a tag"),
        ({"tags_text": " ".join(f"t{n}" for n in range(21))}, "at most 20 tags"),
    ],
)
def test_a_bad_address_or_tag_is_a_form_error(admin_client, fields, message):
    response = add(admin_client, new_api_key=API_KEY, **fields)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert API_KEY not in page  # not even echoed back into the form
    assert not Printer.objects.filter(slug="mk-1").exists()


def test_staff_disable_and_enable_printers_from_the_list(admin_client):
    add(admin_client)
    url = reverse("admin:status_printer_changelist")
    printer = Printer.objects.get(slug="mk-1")

    admin_client.post(url, {"action": "disable_printers", "_selected_action": [printer.pk]})
    printer.refresh_from_db()
    assert printer.enabled is False

    admin_client.post(url, {"action": "enable_printers", "_selected_action": [printer.pk]})
    printer.refresh_from_db()
    assert printer.enabled is True

    assert admin_client.post(change_url(printer), form(enabled="")).status_code == 302
    printer.refresh_from_db()
    assert printer.enabled is False


def test_the_list_shows_each_connection_read_only(admin_client):
    add(admin_client)
    printer = Printer.objects.get(slug="mk-1")
    PrinterConnection.objects.create(
        printer=printer,
        state=ConnectionState.AUTH_FAILED,
        message="Moonraker refused the API key",
        since=datetime(2026, 11, 30, tzinfo=UTC),
    )

    page = admin_client.get(reverse("admin:status_printer_changelist")).content.decode()

    assert "auth_failed: Moonraker refused the API key" in page
    assert "connecting: Waiting for the bridge" in page  # the demo printer, not reported yet
    change = admin_client.get(change_url(printer)).content.decode()
    assert "auth_failed" in change
    assert 'name="connection_state"' not in change  # shown, not a field


def test_staff_delete_a_printer(admin_client):
    add(admin_client)
    printer = Printer.objects.get(slug="mk-1")

    response = admin_client.post(reverse("admin:status_printer_delete", args=[printer.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Printer.objects.filter(slug="mk-1").exists()


def test_staff_delete_several_from_the_list(admin_client):
    add(admin_client)
    add(admin_client, slug="mk-2")
    ids = list(Printer.objects.filter(slug__startswith="mk-").values_list("pk", flat=True))

    admin_client.post(
        reverse("admin:status_printer_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert not Printer.objects.filter(slug__startswith="mk-").exists()
    assert Printer.objects.filter(slug="demo").exists()
