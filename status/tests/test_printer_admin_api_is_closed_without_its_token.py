"""POST, PATCH and DELETE of printers need X-Printer-Admin-Key: closed (503) while PRINTER_ADMIN_TOKEN is unset,
401 with a challenge without the header, 403 with a wrong one. Reading stays public."""

import pytest
from django.test import Client

from status.models import Printer
from status.tests.printer_api import ADMIN_TOKEN, moonraker_body

pytestmark = pytest.mark.django_db

WRITES = [
    ("post", "/api/printers/", moonraker_body()),
    ("patch", "/api/printers/demo", {"name": "Renamed"}),
    ("delete", "/api/printers/demo", None),
]


def call(method, path, body, **headers):
    client = Client(headers=headers)
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
@pytest.mark.parametrize("token", ["", None])
def test_an_unset_token_closes_every_write(settings, method, path, body, token):
    settings.PRINTER_ADMIN_TOKEN = token

    response = call(method, path, body, **{"X-Printer-Admin-Key": "anything"})

    assert response.status_code == 503
    assert "is not configured" in response.json()["detail"]
    assert "PRINTER_ADMIN_TOKEN" in response.json()["detail"]
    assert Printer.objects.get(slug="demo").name == "Demo printer"
    assert not Printer.objects.filter(slug="mk-1").exists()


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_no_header_is_a_401_naming_it(settings, method, path, body):
    settings.PRINTER_ADMIN_TOKEN = ADMIN_TOKEN

    response = call(method, path, body)

    assert response.status_code == 401
    assert "X-Printer-Admin-Key" in response.json()["detail"]
    assert response["WWW-Authenticate"] == 'Token realm="printer-admin", header="X-Printer-Admin-Key"'


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_wrong_token_is_a_403(settings, method, path, body):
    settings.PRINTER_ADMIN_TOKEN = ADMIN_TOKEN
    settings.PRINTER_CONTROL_TOKEN = "the-control-token-is-not-the-admin-one"

    for wrong in (ADMIN_TOKEN + "x", "the-control-token-is-not-the-admin-one"):
        response = call(method, path, body, **{"X-Printer-Admin-Key": wrong})
        assert response.status_code == 403
        assert wrong not in response.content.decode()
    assert Printer.objects.get(slug="demo").name == "Demo printer"


def test_a_session_does_not_open_it(settings, admin_client):
    # The admin's session cookie is no substitute for the token (and no CSRF hole).
    settings.PRINTER_ADMIN_TOKEN = ADMIN_TOKEN

    response = admin_client.post("/api/printers/", moonraker_body(), content_type="application/json")

    assert response.status_code == 401


@pytest.mark.parametrize("token", ["", ADMIN_TOKEN])
def test_reading_is_public_whatever_the_token(settings, token):
    settings.PRINTER_ADMIN_TOKEN = token
    client = Client()

    assert client.get("/api/printers/").status_code == 200
    assert client.get("/api/printers/demo").status_code == 200
    assert client.get("/api/printers/demo/jobs").status_code == 200
    assert client.get("/api/printers/demo/jobs/totals").status_code == 200
