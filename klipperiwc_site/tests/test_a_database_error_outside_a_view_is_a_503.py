"""A database outage met by a middleware (after the view) is the same 503 as one met by a view.

DatabaseUnavailableMiddleware only sees what views raise; the session
middleware saving a session runs after it. handler500 answers those.
"""

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_save_fails(monkeypatch):
    def process_response(self, request, response):
        raise OperationalError("connection to server at 127.0.0.1, port 9 failed: Connection refused")

    monkeypatch.setattr(SessionMiddleware, "process_response", process_response)


def test_a_page_answers_the_503_page(session_save_fails):
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"Temporarily unavailable" in response.content


def test_the_api_answers_503_json(session_save_fails):
    response = Client(raise_request_exception=False).get("/api/printers/")
    assert response.status_code == 503
    assert "database is unavailable" in response.json()["detail"]


def test_other_errors_are_still_a_500(monkeypatch):
    def process_response(self, request, response):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SessionMiddleware, "process_response", process_response)
    page = Client(raise_request_exception=False).get("/")
    assert page.status_code == 500
    api = Client(raise_request_exception=False).get("/api/printers/")
    assert api.status_code == 500
    assert api.json() == {"detail": "Internal server error."}
