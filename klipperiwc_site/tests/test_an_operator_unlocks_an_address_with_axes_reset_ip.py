"""`manage.py axes_reset_ip ADDRESS` ends a lockout at once: the address's count and its
lockout end are gone, the right token works again, and a new lockout says the full time."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

TOKEN = "moderator-token-0123456789"
PENDING = "/api/board-assets/moderation/pending"


def test_axes_reset_ip_unlocks(client, settings):
    settings.BOARD_ASSET_MODERATION_TOKEN = TOKEN
    settings.AUTH_FAILURE_LIMIT = 2
    settings.AUTH_LOCKOUT_SECONDS = 900
    assert [client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR="guess").status_code for _ in range(2)] == [403, 429]
    assert client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR=TOKEN).status_code == 429

    call_command("axes_reset_ip", "127.0.0.1")

    assert client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR=TOKEN).status_code == 200
    settings.AUTH_LOCKOUT_SECONDS = 600
    again = [client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR="guess") for _ in range(2)]
    assert [response.status_code for response in again] == [403, 429]
    assert 590 <= int(again[1]["Retry-After"]) <= 600
