"""Revoked and made-up keys are 403 and count towards the address's guessing limit (429 with Retry-After)."""

import pytest

from accounts.api_keys import api_key_revoke
from status.models import PrinterAction

pytestmark = pytest.mark.django_db


def test_a_revoked_key_is_refused(client, person):
    olga = person("olga", "operators")
    assert client.post("/api/printers/demo/actions/restart", **olga.bearer).status_code == 200

    api_key_revoke(key=olga.key_row)
    response = client.post("/api/printers/demo/actions/firmware-restart", **olga.bearer)

    assert response.status_code == 403
    assert olga.key not in response.content.decode()
    assert [row.action for row in PrinterAction.objects.all()] == ["restart"]


def test_wrong_keys_lock_the_address_out_and_then_even_the_right_key_waits(client, settings, person):
    settings.AUTH_FAILURE_LIMIT = 5
    olga = person("olga", "operators")
    wrong = {"HTTP_AUTHORIZATION": f"Bearer kiwc_{olga.key_row.prefix}_guess"}

    answers = [client.post("/api/printers/demo/actions/restart", **wrong).status_code for _ in range(6)]
    right = client.post("/api/printers/demo/actions/restart", **olga.bearer)

    assert answers == [403, 403, 403, 403, 429, 429]
    assert right.status_code == 429
    assert int(right["Retry-After"]) > 0
    assert PrinterAction.objects.count() == 0
