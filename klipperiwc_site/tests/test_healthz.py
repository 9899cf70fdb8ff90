"""GET /healthz says whether the service can do its work."""

import json
import socket

import pytest
from django.db import OperationalError

from klipperiwc_site import health


@pytest.mark.django_db
def test_it_answers_ok_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_it_answers_503_naming_the_database_when_a_query_fails(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    class BrokenCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    class BrokenConnection:
        def cursor(self):
            return BrokenCursor()

    monkeypatch.setattr(health, "connections", {"default": BrokenConnection()})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "storage": "ok"}


HEALTH_THROUGH_CLIENT = """
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="localhost")
print(response.status_code, response.content.decode())
"""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_it_answers_503_when_the_postgres_server_is_unreachable(manage, project_env):
    env = project_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:{_closed_port()}/klipperiwc")
    result = manage("shell", "--no-imports", "-c", HEALTH_THROUGH_CLIENT, env=env)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "unavailable", "database": "unavailable", "storage": "ok"}


@pytest.mark.requires_redis
def test_it_reports_redis_when_configured(manage, project_env, redis_url, tmp_path):
    env = project_env(REDIS_URL=redis_url, DATABASE_URL=f"sqlite:///{tmp_path}/h.sqlite3")
    result = manage("shell", "--no-imports", "-c", HEALTH_THROUGH_CLIENT, env=env)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "200"
    assert json.loads(body) == {"status": "ok", "database": "ok", "redis": "ok", "storage": "ok"}


def test_it_answers_503_naming_redis_when_redis_is_unreachable(manage, project_env, tmp_path):
    env = project_env(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0", DATABASE_URL=f"sqlite:///{tmp_path}/h.sqlite3")
    result = manage("shell", "--no-imports", "-c", HEALTH_THROUGH_CLIENT, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1].split(" ", 1)[1]) == {
        "status": "unavailable",
        "database": "ok",
        "redis": "unavailable",
        "storage": "ok",
    }
