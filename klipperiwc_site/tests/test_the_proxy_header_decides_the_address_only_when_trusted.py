"""Failures are counted per client address: REMOTE_ADDR, unless TRUST_PROXY_HEADERS says a
proxy sets X-Forwarded-For; then its last entry (the one the proxy appended), so neither a
forged header without a proxy nor forged entries in front of the proxy's get a fresh count."""

import pytest

from klipperiwc_site.guessing import client_address, scope_request
from status.consumers import judge_token

pytestmark = pytest.mark.django_db

TOKEN = "moderator-token-0123456789"
PENDING = "/api/board-assets/moderation/pending"
LIMIT = 3


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.BOARD_ASSET_MODERATION_TOKEN = TOKEN
    settings.AUTH_FAILURE_LIMIT = LIMIT


def guess(client, **meta):
    return client.get(PENDING, HTTP_X_BOARD_ASSETS_MODERATOR="guess", **meta).status_code


def test_without_a_trusted_proxy_a_forged_header_changes_nothing(client, settings):
    settings.TRUST_PROXY_HEADERS = False
    answers = [guess(client, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}") for n in range(LIMIT + 1)]
    assert answers == [403] * (LIMIT - 1) + [429, 429]
    assert guess(client, REMOTE_ADDR="192.0.2.2", HTTP_X_FORWARDED_FOR="192.0.2.1") == 403


def test_behind_a_trusted_proxy_its_entry_decides(client, settings):
    settings.TRUST_PROXY_HEADERS = True
    # The client forges the first entries; the proxy (REMOTE_ADDR, any of several) appends the real one.
    answers = [
        guess(client, REMOTE_ADDR=f"127.0.0.{n + 1}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.20")
        for n in range(LIMIT + 1)
    ]
    assert answers == [403] * (LIMIT - 1) + [429, 429]
    # Another client behind the same proxy has a count of its own.
    assert guess(client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.21") == 403
    # The WebSocket reads the same header from its handshake.
    scope = {
        "type": "websocket",
        "path": "/ws/status",
        "client": ("127.0.0.1", 40000),
        "headers": [(b"x-forwarded-for", b"10.9.9.9, 198.51.100.20")],
    }
    settings.STATUS_WS_TOKEN = "status-socket-token-0123456789"
    assert judge_token(scope, "status-socket-token-0123456789").locked_for is not None


def test_ipv6_clients_count_per_64_block(rf, settings):
    settings.TRUST_PROXY_HEADERS = False
    one = client_address(rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1"))
    same_block = client_address(rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    other_block = client_address(rf.get("/", REMOTE_ADDR="2001:db8:1:3::1"))
    assert one == same_block == "2001:db8:1:2::/64"
    assert other_block != one
    assert client_address(rf.get("/", REMOTE_ADDR="::ffff:192.0.2.7")) == "192.0.2.7"
    assert client_address(scope_request({"client": None, "headers": []})) == "unknown"
