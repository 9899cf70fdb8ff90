"""While the cache's Redis does not answer, the failure count cannot be kept: wrong tokens are
answered 403 and right ones 200 as without a limit, never 500 (and nobody is locked out)."""

import pytest

from klipperiwc_site.cache import TolerantRedisCache

pytestmark = pytest.mark.django_db

TOKEN = "moderator-token-0123456789"
PENDING = "/api/board-assets/moderation/pending"


def test_a_dead_cache_degrades_to_no_limit(client, settings, free_port, monkeypatch):
    # The cache pauses after an outage, class-wide: keep that pause from leaking into later tests.
    monkeypatch.setattr(TolerantRedisCache, "_paused_until", 0.0)
    settings.CACHES = {
        "default": {
            "BACKEND": "klipperiwc_site.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port}/0",
        }
    }
    settings.BOARD_ASSET_MODERATION_TOKEN = TOKEN
    settings.AUTH_FAILURE_LIMIT = 2

    wrong = [client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR="guess").status_code for _ in range(5)]
    right = client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR=TOKEN).status_code
    assert (wrong, right) == ([403] * 5, 200)
