"""A wrong admin password, board-asset token, printer token and STATUS_WS_TOKEN from one address
all count in the same counter: spreading guesses over several credentials buys no more of them."""

import pytest
from django.test import Client

from status.consumers import judge_token

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.5"


def test_guesses_at_different_credentials_add_up(django_user_model, settings):
    settings.AUTH_FAILURE_LIMIT = 5
    settings.BOARD_ASSET_MODERATION_TOKEN = "moderator-token-0123456789"
    settings.PRINTER_ADMIN_TOKEN = "printer-admin-token-0123456789"
    settings.STATUS_WS_TOKEN = "status-socket-token-0123456789"
    django_user_model.objects.create_superuser("admin", "admin@example.com", "the-right-password-42")
    client = Client(REMOTE_ADDR=ADDRESS)
    socket_scope = {"type": "websocket", "path": "/ws/status", "client": (ADDRESS, 40000), "headers": []}

    password = client.post("/admin/login/", {"username": "admin", "password": "guess"})
    board = client.get("/api/board-assets/moderation/pending", HTTP_X_BOARD_ASSETS_MODERATOR="guess")
    printer = client.post("/api/printers/", data="{}", content_type="application/json", HTTP_X_PRINTER_ADMIN_KEY="g")
    socket = judge_token(socket_scope, "guess")
    assert (password.status_code, board.status_code, printer.status_code) == (200, 403, 403)
    assert (socket.accepted, socket.locked_for) == (False, None)

    # The fifth failure, whichever credential it is, locks the address for all of them.
    fifth = client.post("/api/printers/", data="{}", content_type="application/json", HTTP_X_PRINTER_ADMIN_KEY="g")
    assert fifth.status_code == 429
    assert client.post("/admin/login/", {"username": "admin", "password": "the-right-password-42"}).status_code == 429
    assert judge_token(socket_scope, "status-socket-token-0123456789").locked_for is not None
