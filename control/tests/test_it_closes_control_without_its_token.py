"""Every control endpoint needs X-Printer-Control-Key: 503 while unset, 401 without it, 403 wrong; none recorded."""

import pytest

from control.tests.conftest import audit_rows

ENDPOINTS = [
    ("post", "actions/pause"),
    ("post", "gcode"),
    ("get", "files"),
    ("post", "files"),
    ("post", "print"),
    ("get", "console"),
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("method", "rest"), ENDPOINTS)
def test_it_is_closed_while_the_token_is_unset(client, settings, method, rest):
    settings.PRINTER_CONTROL_TOKEN = ""

    response = getattr(client, method)(f"/api/printers/demo/{rest}", HTTP_X_PRINTER_CONTROL_KEY="anything-at-all-1234")

    assert response.status_code == 503
    assert "PRINTER_CONTROL_TOKEN is not set" in response.json()["detail"]
    assert audit_rows() == []


@pytest.mark.parametrize(("method", "rest"), ENDPOINTS)
def test_it_asks_for_the_header(client, method, rest):
    response = getattr(client, method)(f"/api/printers/demo/{rest}")

    assert response.status_code == 401
    assert "X-Printer-Control-Key" in response.json()["detail"]
    assert 'header="X-Printer-Control-Key"' in response["WWW-Authenticate"]
    assert audit_rows() == []


@pytest.mark.parametrize(("method", "rest"), ENDPOINTS)
def test_it_refuses_a_wrong_token(client, control_token, method, rest):
    response = getattr(client, method)(f"/api/printers/demo/{rest}", HTTP_X_PRINTER_CONTROL_KEY=control_token + "x")

    assert response.status_code == 403
    assert control_token not in response.content.decode()
    assert audit_rows() == []


def test_the_admin_token_does_not_open_control(client, settings):
    settings.PRINTER_ADMIN_TOKEN = "admin-token-for-tests-0123456789"

    response = client.post("/api/printers/demo/actions/pause", HTTP_X_PRINTER_ADMIN_KEY=settings.PRINTER_ADMIN_TOKEN)

    assert response.status_code == 401
