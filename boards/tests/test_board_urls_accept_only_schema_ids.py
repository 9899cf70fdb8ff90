"""A board URL whose id the definition schema could never allow is a JSON 404 before the database sees it."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

NOT_BOARD_IDS = [
    "%00",  # PostgreSQL refuses NUL in text: this was a 500
    "a%00b",
    "UPPER-case",
    "trailing-",
    "double--dash",
    "a" * 81,  # longer than the schema's maxLength
    "%C3%A9t%C3%A9",
    "..",
]


@pytest.fixture(autouse=True)
def catalog():
    call_command("sync_boards", stdout=io.StringIO())


@pytest.mark.parametrize("bad_id", NOT_BOARD_IDS)
@pytest.mark.parametrize("suffix", ["/", "/klipper.cfg"])
def test_an_id_outside_the_schema_is_a_json_404(client, bad_id, suffix):
    response = client.get(f"/api/boards/{bad_id}{suffix}")

    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_every_shipped_board_is_still_reachable(client):
    boards = client.get("/api/boards/?page_size=500").json()["results"]
    assert boards
    for board in boards:
        assert client.get(f"/api/boards/{board['id']}/").status_code == 200
        assert client.get(f"/api/boards/{board['id']}/klipper.cfg").status_code == 200


def test_an_id_of_the_longest_allowed_length_is_looked_up(client):
    response = client.get(f"/api/boards/{'a' * 80}/")
    assert response.status_code == 404
    assert "No board with id" in response.json()["detail"]
