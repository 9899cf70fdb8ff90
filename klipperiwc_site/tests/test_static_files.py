"""collectstatic output is served by whitenoise under hashed, cacheable names."""

import pytest
from django.core.management import call_command
from django.test import Client


@pytest.mark.django_db
def test_it_serves_collected_static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)

    page = Client().get("/")  # a new client builds a new middleware chain, seeing STATIC_ROOT
    assert page.status_code == 200
    stylesheet = next(
        line.split('href="')[1].split('"')[0] for line in page.content.decode().splitlines() if "site." in line
    )
    assert stylesheet.startswith("/static/css/site.")
    assert stylesheet != "/static/css/site.css"

    response = Client().get(stylesheet)
    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"]
    assert b"--accent" in b"".join(response.streaming_content)
