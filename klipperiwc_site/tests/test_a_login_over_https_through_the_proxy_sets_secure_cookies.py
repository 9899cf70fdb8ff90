"""Behind a TLS proxy (TRUST_PROXY_HEADERS=true, nothing else set), a real daphne:

- answers a request the proxy marks HTTPS (X-Forwarded-Proto: https) with HSTS, and an admin
  login over it sets the CSRF and session cookies Secure and HttpOnly;
- redirects plain HTTP to HTTPS, except what talks plain HTTP on the loopback address past the
  proxy: /healthz (deploy.sh's and the image's probe), /metrics and the WebSocket /ws/status.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from websockets.sync.client import connect

pytestmark = pytest.mark.slow

ADMIN = {"username": "https-admin", "password": "https-admin-password-0123456789"}
HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def proxied_site(project_env, manage, start_daphne, tmp_path):
    env = project_env(
        APP_ENV="development",  # static files from static/ (no collectstatic run); HTTPS settings do not depend on it
        SECRET_KEY="https-tests-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        TRUST_PROXY_HEADERS="true",
        DJANGO_SUPERUSER_USERNAME=ADMIN["username"],
        DJANGO_SUPERUSER_PASSWORD=ADMIN["password"],
        DJANGO_SUPERUSER_EMAIL="admin@example.com",
        BRIDGE_MODE="process",
    )
    for command in (("migrate", "--noinput"), ("ensure_superuser",)):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stderr
    return start_daphne(env)


def request(url: str, method: str, path: str, *, headers: dict | None = None, body: str | None = None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def cookies(response) -> dict[str, dict]:
    """Each Set-Cookie of ``response``: name -> its attributes (and "value")."""
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name = header.split("=", 1)[0]
        attributes = {part.strip().split("=", 1)[0].lower() for part in header.split(";")[1:]}
        found[name] = {"value": SimpleCookie(header)[name].value, "attributes": attributes}
    return found


def test_a_login_over_https_sets_secure_httponly_cookies(proxied_site):
    login = request(proxied_site, "GET", "/admin/login/?next=/admin/", headers=HTTPS)
    assert login.status == 200
    assert login.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf = cookies(login)["csrftoken"]
    assert {"secure", "httponly"} <= csrf["attributes"], csrf

    host = urlsplit(proxied_site).netloc
    # The form's token may be the cookie's own value (Django takes it unmasked as well as masked).
    form = urllib.parse.urlencode({**ADMIN, "csrfmiddlewaretoken": csrf["value"], "next": "/admin/"})
    signed_in = request(
        proxied_site,
        "POST",
        "/admin/login/?next=/admin/",
        headers={
            **HTTPS,
            "Cookie": f"csrftoken={csrf['value']}",
            "Origin": f"https://{host}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=form,
    )
    assert signed_in.status == 302, signed_in.status
    assert signed_in.headers["Location"] == "/admin/"
    session = cookies(signed_in)["sessionid"]
    assert {"secure", "httponly"} <= session["attributes"], session


def test_plain_http_is_redirected_but_the_loopback_paths_are_not(proxied_site):
    host = urlsplit(proxied_site).netloc
    for path in ("/", "/admin/login/", "/api/printers/", "/api/docs/"):
        response = request(proxied_site, "GET", path)
        assert response.status == 301, (path, response.status)
        assert response.headers["Location"] == f"https://{host}{path}"
        assert "Strict-Transport-Security" not in response.headers  # HSTS only over HTTPS

    health = request(proxied_site, "GET", "/healthz")
    assert health.status == 200
    # /metrics (when served) answers over plain HTTP too: whatever it answers, it is no redirect.
    assert request(proxied_site, "GET", "/metrics").status != 301

    with connect(f"ws://{host}/ws/status", open_timeout=20) as socket:
        socket.send(json.dumps({"type": "ping"}))
        # Status snapshots may come first; the pong follows within the timeout.
        while json.loads(socket.recv(timeout=20)) != {"type": "pong"}:
            pass
