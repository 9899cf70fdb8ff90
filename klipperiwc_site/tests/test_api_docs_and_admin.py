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
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(not source.startswith(("http://", "https://", "//")) for source in sources), sources
    # The init script is a URL of its own (no inline script), and it loads this site's schema.
    assert "/api/docs/?script=" in sources, sources
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in script.content.decode()


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


@pytest.fixture
def schema(client, db):
    return client.get("/api/schema/?format=json").json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_the_token_headers_are_security_schemes_swagger_can_authorize(schema):
    from assets.permissions import MODERATOR_HEADER, UPLOAD_HEADER
    from klipperiwc_site.tokens import PRINTER_ADMIN_HEADER, PRINTER_CONTROL_HEADER

    schemes = schema["components"]["securitySchemes"]
    assert (schemes["personalApiKey"]["type"], schemes["personalApiKey"]["scheme"]) == ("http", "bearer")
    assert {name: (s["type"], s["in"], s["name"]) for name, s in schemes.items() if name != "personalApiKey"} == {
        "uploadToken": ("apiKey", "header", UPLOAD_HEADER),
        "moderatorToken": ("apiKey", "header", MODERATOR_HEADER),
        "printerAdminToken": ("apiKey", "header", PRINTER_ADMIN_HEADER),
        "printerControlToken": ("apiKey", "header", PRINTER_CONTROL_HEADER),
    }
    token_headers = {UPLOAD_HEADER, MODERATOR_HEADER, PRINTER_ADMIN_HEADER, PRINTER_CONTROL_HEADER}
    for label, operation in operations(schema):
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert not headers & token_headers, f"{label} declares a token as a plain parameter"
        for requirement in operation.get("security", []):
            assert set(requirement) <= set(schemes), label
    security = {label: operation.get("security") for label, operation in operations(schema)}
    key = {"personalApiKey": []}
    assert security["POST /api/board-assets/"] == [{"uploadToken": []}, key]
    assert security["PATCH /api/board-assets/{asset_id}/"] == [{"uploadToken": []}, key]
    assert security["DELETE /api/board-assets/{asset_id}/"] == [{"moderatorToken": []}, key]
    assert security["GET /api/board-assets/moderation/pending"] == [{"moderatorToken": []}, key]
    assert security["GET /api/board-assets/"] == [{}, {"uploadToken": []}, {"moderatorToken": []}, key]


def test_public_operations_show_no_lock(schema):
    # Outside the board assets, an operation is public or needs exactly one printer token; the board and
    # printer submissions act as a person and need a personal key (or the browser's session, not in the schema).
    key = {"personalApiKey": []}
    printer_tokens = ([{"printerAdminToken": []}, key], [{"printerControlToken": []}, key])
    person_only = {
        label
        for label, _ in operations(schema)
        if "/api/board-submissions/" in label or "/api/printer-submissions/" in label
    }
    assert {label.split("/")[2] for label in person_only} == {"board-submissions", "printer-submissions"}
    assert all(operation["security"] == [key] for label, operation in operations(schema) if label in person_only)
    public = [
        label for label, operation in operations(schema) if "board-assets" not in label and label not in person_only
    ]
    assert public
    locked = {
        label: operation["security"]
        for label, operation in operations(schema)
        if label in public and "security" in operation and operation["security"] not in printer_tokens
    }
    assert not locked
    security = {label: operation.get("security") for label, operation in operations(schema)}
    for label in ("GET /api/printers/", "GET /api/printers/{slug}", "GET /api/printers/{slug}/jobs"):
        assert security[label] is None, label
    for label in ("POST /api/printers/", "PATCH /api/printers/{slug}", "DELETE /api/printers/{slug}"):
        assert security[label] == [{"printerAdminToken": []}, key], label


def test_paginated_lists_are_wrapped_in_one_page_with_bounded_parameters(schema):
    components = schema["components"]["schemas"]
    paginated = {
        "GET /api/board-assets/",
        "GET /api/board-assets/moderation/pending",
        "GET /api/boards/",
        "GET /api/printers/",
        "GET /api/history/status",
        "GET /api/history/jobs",
    }
    for label, operation in operations(schema):
        if label not in paginated:
            continue
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = components[ref.rsplit("/", 1)[1]]
        assert {"count", "next", "previous", "results"} <= set(page["properties"]), label
        results = page["properties"]["results"]
        assert results["type"] == "array", label
        item = components[results["items"]["$ref"].rsplit("/", 1)[1]]
        assert "results" not in item.get("properties", {}), f"{label}: a page inside a page"
        parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
        assert parameters["page"]["minimum"] == 1, label
        assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 500), label
        assert {"400", "404"} <= set(operation["responses"]), label
    jobs = dict(operations(schema))["GET /api/history/jobs"]["responses"]["200"]["content"]["application/json"]
    assert "statistics" in components[jobs["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]


def test_points_is_bounded(schema):
    operation = dict(operations(schema))["GET /api/history/temperatures"]
    points = next(p["schema"] for p in operation["parameters"] if p["name"] == "points")
    assert (points["minimum"], points["maximum"]) == (1, 2000)


def test_the_file_and_thumbnail_endpoints_are_documented(schema):
    for variant in ("file", "thumbnail"):
        responses = dict(operations(schema))[f"GET /api/board-assets/{{asset_id}}/{variant}"]["responses"]
        assert {"image/png", "image/jpeg", "image/webp", "image/svg+xml"} == set(responses["200"]["content"])
        assert {"X-Content-Type-Options", "Content-Security-Policy"} <= set(responses["200"]["headers"])
        assert "Location" in responses["302"]["headers"]
        assert {"403", "404"} <= set(responses)


def test_every_error_answer_has_the_detail_shape(schema):
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    for label, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")) and label != "GET /healthz":  # its 503 is the health report
                body = response["content"]["application/json"]["schema"]
                ref = body["$ref"].rsplit("/", 1)[1]
                assert "detail" in schema["components"]["schemas"][ref]["required"], (label, code)
