"""The published schema names the lockout's 429 (JSON error, Retry-After header) on every
operation that takes a token, and on no public one."""

import pytest

pytestmark = pytest.mark.django_db


def test_token_operations_document_the_lockout(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    with_token, public = [], []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            takes_a_token = any(requirement for requirement in operation.get("security", []))
            (with_token if takes_a_token else public).append((method, path, operation["responses"]))

    assert len(with_token) >= 15  # board assets, moderation, printer admin and control
    for method, path, responses in with_token:
        locked = responses.get("429")
        assert locked is not None, (method, path)
        assert "locked out" in locked["description"]
        assert locked["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        assert locked["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 1}
    assert [(method, path) for method, path, responses in public if "429" in responses] == []
