"""Every HTML page answers with the Content-Security-Policy and the Permissions-Policy, and its
markup holds nothing the policy would refuse: no inline script (JSON data blocks are data, not
script), no <style> element, no style attribute, no on* handler attribute."""

import re

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError
from django.test import Client

from status.models import Printer

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/?wall=1",
    "/printers/demo",
    "/board-designer",
    "/printer-designer",
    "/boards",
    "/accounts/sign-in",
    "/api/docs/",
    "/api/redoc/",
    "/admin/login/",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/status/printer/",
    "/admin/status/printer/add/",
    "/admin/assets/boardasset/",
    "/admin/submissions/boardsubmission/",
    "/admin/accounts/invitation/add/",
    # the site's pages of a signed-in person (here a superuser: every role)
    "/accounts/",
    "/accounts/password",
    "/accounts/sign-ups",
    "/submissions",
]

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def assert_headers_and_markup(response, path: str) -> None:
    assert response["Content-Type"].startswith("text/html"), path
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'", (path, policy)
    assert directives["style-src"].split()[0] == "'self'", (path, policy)
    assert "unsafe" not in policy, (path, policy)
    assert directives["object-src"] == "'none'", (path, policy)
    assert directives["frame-ancestors"] == "'none'", (path, policy)
    assert "camera=()" in response["Permissions-Policy"], path
    assert "geolocation=()" in response["Permissions-Policy"], path

    html = response.content.decode()
    for attributes, body in SCRIPT.findall(html):
        if 'type="application/json"' in attributes:
            continue  # json_script's data block: never run
        assert "src=" in attributes, (path, attributes)
        assert not body.strip(), (path, body[:200])
    assert "<style" not in html.lower(), path
    assert not HANDLER.search(html), (path, HANDLER.search(html))
    assert not STYLE_ATTRIBUTE.search(html), (path, STYLE_ATTRIBUTE.search(html))


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert_headers_and_markup(response, path)


def test_every_admin_page(admin_client):
    demo = Printer.objects.get(slug="demo")
    for path in [*ADMIN_PAGES, f"/admin/status/printer/{demo.pk}/change/"]:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert_headers_and_markup(response, path)


def test_the_redoc_page_alone_allows_styles_with_its_nonce(client):
    redoc = client.get("/api/redoc/")
    nonce = re.search(r"'nonce-([^']+)'", redoc["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in redoc.content.decode()
    assert "nonce-" not in client.get("/").headers["Content-Security-Policy"]


def test_the_503_page(monkeypatch):
    def process_response(self, request, response):
        raise OperationalError("connection to server at 127.0.0.1, port 9 failed: Connection refused")

    monkeypatch.setattr(SessionMiddleware, "process_response", process_response)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert b"Temporarily unavailable" in response.content
    assert_headers_and_markup(response, "the 503 page")
