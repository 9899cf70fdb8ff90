"""A board definition is a JSON document: the posting endpoints refuse form bodies (415), not check form fields."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/boards/validate", "/api/boards/klipper.cfg"])
def test_a_form_body_is_a_415(client, url):
    response = client.post(url, {"id": "btt-ebb-can-v1.2"})  # multipart/form-data

    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]


@pytest.mark.django_db
def test_any_json_document_is_checked(client):
    response = client.post("/api/boards/validate", [None, None], content_type="application/json")

    assert response.status_code == 200
    assert response.json()["valid"] is False
