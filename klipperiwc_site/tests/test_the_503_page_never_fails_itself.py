"""When the 503 page cannot be rendered (here: no collectstatic manifest), a plain 503 page answers, not a 500."""

import pytest
from django.db import OperationalError

import status.views


@pytest.mark.django_db
def test_a_plain_page_answers_when_the_template_cannot_be_rendered(client, settings, monkeypatch):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    monkeypatch.setattr(status.views, "printer_list_with_state", unreachable)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"<h1>Temporarily unavailable</h1>" in response.content
