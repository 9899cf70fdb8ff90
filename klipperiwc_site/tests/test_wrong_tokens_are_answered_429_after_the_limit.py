"""300 wrong board-asset and moderator tokens from one address in a burst: the first
AUTH_FAILURE_LIMIT - 1 answer 403, the one that reaches the limit and all later ones 429
JSON with Retry-After, and the right token is refused too while the address is locked."""

import uuid

import pytest

from assets.tests.conftest import MODERATOR_TOKEN, UPLOAD_TOKEN

pytestmark = pytest.mark.django_db

LIMIT = 10


def test_a_burst_of_wrong_tokens_is_locked_out(client, settings):
    settings.AUTH_FAILURE_LIMIT = LIMIT
    settings.AUTH_LOCKOUT_SECONDS = 900
    settings.BOARD_ASSET_UPLOAD_TOKEN = UPLOAD_TOKEN
    settings.BOARD_ASSET_MODERATION_TOKEN = MODERATOR_TOKEN
    answers = []
    for number in range(300):
        if number % 2:
            response = client.get(
                "/api/board-assets/moderation/pending", HTTP_X_BOARD_ASSETS_MODERATOR=f"guess-{number}"
            )
        else:
            response = client.patch(
                f"/api/board-assets/{uuid.uuid4()}/",
                data="{}",
                content_type="application/json",
                HTTP_X_BOARD_ASSETS_KEY=f"guess-{number}",
            )
        answers.append(response)

    statuses = [response.status_code for response in answers]
    assert statuses == [403] * (LIMIT - 1) + [429] * (300 - LIMIT + 1)
    for response in answers[LIMIT - 1 :]:
        assert response["Content-Type"] == "application/json"
        assert 1 <= int(response["Retry-After"]) <= 900
        assert "locked out" in response.json()["detail"]
        assert "guess" not in response.content.decode()

    # The right tokens from the same address: refused as well, so a lockout tells no guess apart.
    right = client.get("/api/board-assets/moderation/pending", HTTP_X_BOARD_ASSETS_MODERATOR=MODERATOR_TOKEN)
    listing = client.get("/api/board-assets/", HTTP_X_BOARD_ASSETS_KEY=UPLOAD_TOKEN)
    assert (right.status_code, listing.status_code) == (429, 429)
    # Another address is not affected.
    other = client.get(
        "/api/board-assets/moderation/pending", HTTP_X_BOARD_ASSETS_MODERATOR=MODERATOR_TOKEN, REMOTE_ADDR="10.9.8.7"
    )
    assert other.status_code == 200
