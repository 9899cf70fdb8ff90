"""With STATUS_WS_TOKEN set, a real daphne lets a personal API key of someone with a role in as ``?token=``
too; a revoked key, or one of an account without any role (a fresh sign-up), gets 4401."""

import json

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

pytestmark = pytest.mark.slow

MAKE_KEYS = """
from django.contrib.auth.models import Group, User
from accounts.api_keys import api_key_create
wall = User.objects.create_user("wall", password="a-long-password-for-tests")
wall.groups.add(Group.objects.get(name="operators"))
stranger = User.objects.create_user("stranger", password="a-long-password-for-tests")
print(api_key_create(user=wall, name="farm wall")[1], api_key_create(user=stranger, name="mine")[1])
"""
REVOKE_KEYS = """
from accounts.api_keys import api_key_revoke
from accounts.models import ApiKey
for key in ApiKey.objects.all():
    api_key_revoke(key=key)
"""


def test_a_key_gets_the_feed_until_it_is_revoked(project_env, manage, tmp_path, start_daphne):
    env = project_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/keys.sqlite3",
        STATUS_WS_TOKEN="farm-wall-token-0123456789",
        BRIDGE_MODE="process",
    )
    assert manage("migrate", "--noinput", env=env).returncode == 0
    made = manage("shell", "--no-imports", "-c", MAKE_KEYS, env=env)
    assert made.returncode == 0, made.stderr
    key, roleless = made.stdout.strip().splitlines()[-1].split()
    url = start_daphne(env).replace("http", "ws")

    with connect(f"{url}/ws/status?token={key}", open_timeout=10) as websocket:
        first = json.loads(websocket.recv(timeout=10))
    assert (first["type"], first["printer"]) == ("connection", "demo")

    assert refused(url, roleless) == 4401
    assert manage("shell", "--no-imports", "-c", REVOKE_KEYS, env=env).returncode == 0
    assert refused(url, key) == 4401


def refused(url: str, key: str) -> int:
    """The close code of a connection that is told why it is refused (never the key)."""
    with connect(f"{url}/ws/status?token={key}", open_timeout=10) as websocket:
        error = json.loads(websocket.recv(timeout=10))
        with pytest.raises(ConnectionClosed) as closed:
            websocket.recv(timeout=10)
    assert error["type"] == "error"
    assert key not in error["detail"]
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code
