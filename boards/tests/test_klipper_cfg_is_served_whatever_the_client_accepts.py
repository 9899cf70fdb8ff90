"""The klipper.cfg endpoints answer their text even to a client that asks for text/plain only (DRF said 406)."""

import json

import pytest

from boards.validation import DEFINITIONS_DIR


@pytest.fixture
def definition() -> dict:
    return json.loads((DEFINITIONS_DIR / "bigtreetech" / "btt-ebb-can-v1.2.json").read_text())


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["text/plain", "text/plain; charset=utf-8", "application/octet-stream"])
def test_a_posted_definition_gets_its_section_for_any_accept(client, definition, accept):
    response = client.post("/api/boards/klipper.cfg", definition, content_type="application/json", HTTP_ACCEPT=accept)

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "[board_pins" in response.content.decode()


@pytest.mark.django_db
def test_errors_stay_json(client):
    response = client.get("/api/boards/no-such-board/klipper.cfg", HTTP_ACCEPT="text/plain")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "No board" in response.json()["detail"]


@pytest.mark.django_db
def test_a_json_endpoint_still_refuses_an_accept_without_json(client):
    response = client.get("/api/boards/", HTTP_ACCEPT="text/html")

    assert response.status_code == 406
    assert response.json()["detail"]
