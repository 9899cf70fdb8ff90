"""page_size is 1..500 on every paginated list: anything else is a 400 naming it, not a silently different page."""

import pytest

LISTS = ["/api/boards/", "/api/printers/", "/api/history/status", "/api/history/jobs", "/api/board-assets/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("value", ["0", "-1", "501", "9999", "abc", "1.5"])
def test_a_page_size_outside_1_to_500_is_a_400(client, url, value):
    response = client.get(url, {"page_size": value})

    assert response.status_code == 400
    body = response.json()
    assert "page_size" in body["detail"]
    assert body["page_size"] == [f"{value!r} is not a whole number from 1 to 500."]


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
def test_the_bounds_and_an_empty_value_are_accepted(client, url):
    for value in ("1", "500", ""):
        assert client.get(url, {"page_size": value}).status_code == 200, value


@pytest.mark.django_db
def test_a_page_past_the_end_is_a_404_naming_the_last_page(client):
    response = client.get("/api/boards/", {"page": "99", "page_size": "500"})

    assert response.status_code == 404
    assert "pages run from 1 to 1" in response.json()["detail"]
