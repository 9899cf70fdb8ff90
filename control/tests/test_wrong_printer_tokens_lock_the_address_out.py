"""Wrong PRINTER_ADMIN_TOKENs and PRINTER_CONTROL_TOKENs count as failed credentials of the
client address: after AUTH_FAILURE_LIMIT of them both APIs answer 429 with Retry-After, for
right tokens too, while a request without a token still gets its 401."""

import pytest

pytestmark = pytest.mark.django_db

ADMIN_TOKEN = "printer-admin-token-0123456789"
CONTROL_TOKEN = "printer-control-token-0123456789"
LIMIT = 6


def add_printer(client, token=None):
    headers = {"HTTP_X_PRINTER_ADMIN_KEY": token} if token is not None else {}
    return client.post("/api/printers/", data="{}", content_type="application/json", **headers)


def pause(client, token=None):
    headers = {"HTTP_X_PRINTER_CONTROL_KEY": token} if token is not None else {}
    return client.post("/api/printers/demo/actions/pause", **headers)


def test_wrong_printer_tokens_lock_both_printer_apis(client, settings):
    settings.PRINTER_ADMIN_TOKEN = ADMIN_TOKEN
    settings.PRINTER_CONTROL_TOKEN = CONTROL_TOKEN
    settings.AUTH_FAILURE_LIMIT = LIMIT
    settings.AUTH_LOCKOUT_SECONDS = 900

    before = [(add_printer if number % 2 else pause)(client, f"guess-{number}") for number in range(LIMIT - 1)]
    assert [response.status_code for response in before] == [403] * (LIMIT - 1)

    answers = [
        add_printer(client, "guess"),
        pause(client, "guess"),
        add_printer(client, ADMIN_TOKEN),
        pause(client, CONTROL_TOKEN),
    ]
    assert [response.status_code for response in answers] == [429] * 4
    for response in answers:
        assert 1 <= int(response["Retry-After"]) <= 900
        assert "locked out" in response.json()["detail"]
        assert ADMIN_TOKEN not in response.content.decode()
        assert CONTROL_TOKEN not in response.content.decode()

    assert (add_printer(client).status_code, pause(client).status_code) == (401, 401)
