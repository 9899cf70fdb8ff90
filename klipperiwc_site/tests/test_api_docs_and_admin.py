"""The OpenAPI schema, the interactive docs, the admin login and the home page answer."""

import re

import pytest
import yaml
from drf_spectacular.validation import validate_schema


@pytest.mark.django_db
def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on anything OpenAPI 3 does not allow
    health = schema["paths"]["/healthz"]["get"]
    assert {"200", "503"} <= set(health["responses"])


@pytest.mark.django_db
def test_schema_is_also_served_as_json(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "KlipperIWC API"


@pytest.mark.django_db
def test_docs_load_their_assets_from_this_server_not_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/schema/" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(not source.startswith(("http://", "https://", "//")) for source in sources), sources


@pytest.mark.django_db
def test_admin_login_page_answers(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"KlipperIWC" in response.content


@pytest.mark.django_db
def test_admin_sends_anonymous_users_to_the_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_the_home_page_links_the_docs_and_admin(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/api/docs/"' in response.content
    assert b'href="/admin/"' in response.content


def test_schema_generation_has_no_warnings(manage):
    result = manage("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    assert result.returncode == 0, result.stderr
