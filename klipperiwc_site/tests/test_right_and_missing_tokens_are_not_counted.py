"""Right tokens and requests without a token are not guesses: hundreds of them neither count
towards the limit nor reset it, and they are answered as before (200 / 401), never 429."""

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

TOKEN = "moderator-token-0123456789"
LIMIT = 10
PENDING = "/api/board-assets/moderation/pending"


def failures() -> int:
    return AxesProxyHandler.get_failures(RequestFactory().get("/"))  # RequestFactory: REMOTE_ADDR 127.0.0.1


def test_only_wrong_tokens_count(client, settings):
    settings.BOARD_ASSET_MODERATION_TOKEN = TOKEN
    settings.AUTH_FAILURE_LIMIT = LIMIT

    right = [client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR=TOKEN).status_code for _ in range(300)]
    missing = [client.get(PENDING).status_code for _ in range(100)]
    empty = [client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR="").status_code for _ in range(100)]
    # (An empty board-asset header has always been a 403; it guesses nothing either.)
    assert (set(right), set(missing), set(empty)) == ({200}, {401}, {403})
    assert failures() == 0

    wrong = [client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR="guess").status_code for _ in range(LIMIT - 1)]
    assert set(wrong) == {403}
    assert failures() == LIMIT - 1
    # Right tokens in between do not reset the count ...
    assert {client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR=TOKEN).status_code for _ in range(50)} == {200}
    assert failures() == LIMIT - 1
    # ... so the next wrong one is the one that locks the address.
    assert client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR="guess").status_code == 429
    assert client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR=TOKEN).status_code == 429
