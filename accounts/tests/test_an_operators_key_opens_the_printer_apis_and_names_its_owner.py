"""A key acts with its owner's role on the printer admin and control APIs, whose audit rows then name the owner."""

import pytest

from status.models import Printer, PrinterAction

pytestmark = pytest.mark.django_db


def test_an_operator_adds_a_printer_with_his_key_while_the_admin_token_is_unset(client, settings, person):
    settings.PRINTER_ADMIN_TOKEN = ""
    olga = person("olga", "operators")

    response = client.post(
        "/api/printers/",
        {"slug": "voron-1", "name": "Voron 1", "source_kind": "demo"},
        content_type="application/json",
        **olga.bearer,
    )

    assert response.status_code == 201, response.content
    assert Printer.objects.filter(slug="voron-1").exists()


def test_a_control_action_by_key_records_the_user_and_one_by_token_records_token(client, settings, person):
    settings.PRINTER_CONTROL_TOKEN = "control-token-for-tests-0123456789"
    olga = person("olga", "operators")

    by_key = client.post("/api/printers/demo/actions/restart", **olga.bearer)
    by_token = client.post(
        "/api/printers/demo/actions/firmware-restart", HTTP_X_PRINTER_CONTROL_KEY=settings.PRINTER_CONTROL_TOKEN
    )

    assert (by_key.status_code, by_token.status_code) == (200, 200), (by_key.content, by_token.content)
    rows = {row.action: row for row in PrinterAction.objects.all()}
    assert (rows["restart"].user, rows["restart"].credential) == (olga.user, "api_key")
    assert (rows["firmware-restart"].user, rows["firmware-restart"].credential) == (None, "token")


def test_a_superusers_key_holds_every_role(client, settings, person):
    settings.PRINTER_CONTROL_TOKEN = ""
    root = person("root", superuser=True)

    response = client.post("/api/printers/demo/actions/restart", **root.bearer)

    assert response.status_code == 200, response.content
    assert PrinterAction.objects.get().user == root.user
