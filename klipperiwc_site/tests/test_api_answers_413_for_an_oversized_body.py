import json

import pytest


@pytest.mark.django_db
def test_a_json_body_over_the_limit_is_413_naming_the_limit(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(
        "/api/boards/validate", json.dumps({"notes": ["x" * 20_000]}), content_type="application/json"
    )
    assert response.status_code == 413
    assert "10000 bytes" in response.json()["detail"]
