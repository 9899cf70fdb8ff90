"""A lockout lasts AUTH_LOCKOUT_SECONDS: Retry-After counts down within it, attempts while
locked do not prolong it, and afterwards the right token works and the count starts over."""

import time

import pytest

pytestmark = pytest.mark.django_db

TOKEN = "moderator-token-0123456789"
PENDING = "/api/board-assets/moderation/pending"
LOCKOUT_SECONDS = 3


def moderate(client, token):
    return client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR=token)


def test_the_lockout_expires(client, settings):
    settings.BOARD_ASSET_MODERATION_TOKEN = TOKEN
    settings.AUTH_FAILURE_LIMIT = 3
    settings.AUTH_LOCKOUT_SECONDS = LOCKOUT_SECONDS

    assert [moderate(client, "guess").status_code for _ in range(3)] == [403, 403, 429]
    locked_at = time.monotonic()

    # Retried until it opens (guesses included: they must not push the end further out).
    deadline = locked_at + LOCKOUT_SECONDS + 10
    while (response := moderate(client, "guess" if time.monotonic() - locked_at < 1 else TOKEN)).status_code == 429:
        assert 1 <= int(response["Retry-After"]) <= LOCKOUT_SECONDS
        assert time.monotonic() < deadline, "still locked long after AUTH_LOCKOUT_SECONDS"
        time.sleep(0.1)
    assert response.status_code == 200
    assert time.monotonic() - locked_at >= LOCKOUT_SECONDS - 1

    # A fresh count: one wrong token is a plain 403 again.
    assert moderate(client, "guess").status_code == 403
