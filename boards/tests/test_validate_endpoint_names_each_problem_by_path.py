import copy

import pytest

from boards.tests.conftest import MINIMAL


def post(client, path, body, **extra):
    return client.post(path, body, content_type="application/json", **extra)


def test_a_valid_definition_is_valid(client):
    response = post(client, "/api/boards/validate", MINIMAL)
    assert response.status_code == 200
    assert response.json() == {"valid": True, "errors": []}


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d["connectors"][2]["pins"][0].update(mcu_pin="PZ9"), "/connectors/2/pins/0/mcu_pin", "PZ9"),
        (lambda d: d["connectors"][3]["pins"][0].update(mcu_pin="PB13"), "/connectors/3/pins/0/mcu_pin", "PB13"),
        (lambda d: d.pop("header_numbering"), "", "header_numbering"),
        (lambda d: d["connectors"][4].update(id="EXP 1"), "/connectors/4/id", "EXP 1"),
    ],
    ids=["pin not in the family", "pin used twice", "numbering missing", "alias with a space"],
)
def test_each_problem_names_its_json_path(client, change, path, words):
    definition = copy.deepcopy(MINIMAL)
    change(definition)
    body = post(client, "/api/boards/validate", definition).json()
    assert body["valid"] is False
    assert any(error["path"] == path and words in error["message"] for error in body["errors"]), body["errors"]


def test_not_an_object_is_invalid_and_broken_json_is_a_400(client):
    body = post(client, "/api/boards/validate", [1, 2]).json()
    assert body["valid"] is False
    assert body["errors"][0]["path"] == ""
    broken = client.post("/api/boards/validate", "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert "JSON" in broken.json()["detail"]


def test_a_posted_definition_exports_its_klipper_config_or_its_problems(client):
    response = post(client, "/api/boards/klipper.cfg", MINIMAL)
    assert response.status_code == 200
    assert "[board_pins test-board-v1.0]" in response.content.decode()
    bad = copy.deepcopy(MINIMAL)
    bad["connectors"][2]["pins"][0]["mcu_pin"] = "PZ9"
    refused = post(client, "/api/boards/klipper.cfg", bad)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["path"] == "/connectors/2/pins/0/mcu_pin"


def test_a_logged_in_browser_needs_no_csrf_token(admin_client):
    admin_client.handler.enforce_csrf_checks = True
    assert post(admin_client, "/api/boards/validate", MINIMAL).json()["valid"] is True
