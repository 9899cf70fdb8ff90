import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalog():
    call_command("sync_boards", stdout=io.StringIO())


def ids(response):
    assert response.status_code == 200, response.content
    return [board["id"] for board in response.json()["results"]]


def test_the_list_is_paginated_and_links_each_board(client):
    response = client.get("/api/boards/?page_size=2")
    body = response.json()
    assert body["count"] == 6
    assert len(body["results"]) == 2
    assert body["next"]
    first = body["results"][0]
    assert first["url"] == f"http://testserver/api/boards/{first['id']}/"
    assert first["klipper_cfg_url"] == f"http://testserver/api/boards/{first['id']}/klipper.cfg"
    assert client.get("/api/boards/?page=9").status_code == 404


def test_search_matches_name_manufacturer_and_mcu(client):
    assert ids(client.get("/api/boards/?search=octopus")) == ["btt-octopus-v1.1"]
    assert ids(client.get("/api/boards/?search=creality")) == ["creality-4.2.2"]
    assert ids(client.get("/api/boards/?search=rp2040")) == ["btt-skr-pico-v1.0"]
    assert set(ids(client.get("/api/boards/?search=stm32g0b1"))) == {"btt-skr-mini-e3-v3.0", "btt-ebb-can-v1.2"}
    assert ids(client.get("/api/boards/?search=skr mini")) == ["btt-skr-mini-e3-v3.0"]
    assert ids(client.get("/api/boards/?search=no-such-board")) == []


def test_filters_by_manufacturer_and_mcu(client):
    assert set(ids(client.get("/api/boards/?manufacturer=fysetc"))) == {"fysetc-spider-v1.x"}
    assert ids(client.get("/api/boards/?mcu=rp2040")) == ["btt-skr-pico-v1.0"]


def test_a_board_answers_with_its_full_definition_and_an_unknown_one_is_404(client):
    body = client.get("/api/boards/btt-ebb-can-v1.2/").json()
    assert body["id"] == "btt-ebb-can-v1.2"
    assert body["secondary_mcu"] == "EBBCan"
    assert body["connectors"]
    missing = client.get("/api/boards/no-such-board/")
    assert missing.status_code == 404
    assert "no-such-board" in missing.json()["detail"]
    assert client.get("/api/boards/no-such-board/klipper.cfg").status_code == 404


def test_the_schema_is_served(client):
    schema = client.get("/api/boards/schema").json()
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")
    assert "connectors" in schema["properties"]
