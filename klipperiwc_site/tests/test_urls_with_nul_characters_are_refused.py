"""A NUL character in a URL's path or query is a 404 / 400, never the database's DataError (a 500 on PostgreSQL)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/status?printer=%00", "printer"),
        ("/api/history/status?printer=demo%00", "printer"),
        ("/api/history/temperatures?component=%00", "component"),
        ("/api/boards/?search=%00", "search"),
        ("/api/board-assets/?search=a%00", "search"),
        ("/api/boards/?%00=1", "\x00"),
    ],
)
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": f"The query parameter {parameter!r} contains a NUL character."}


@pytest.mark.parametrize("url", ["/api/boards/%00/", "/api/boards/a%00b/klipper.cfg", "/api/%00"])
def test_a_nul_in_an_api_path_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    "url",
    ["/admin/boards/board/%00/change/", "/admin/status/printer/%00/change/", "/admin/boards/board/a%00/history/"],
)
def test_a_nul_in_an_admin_object_url_is_a_404(admin_client, url):
    assert admin_client.get(url).status_code == 404


def test_a_nul_in_an_admin_search_is_a_400(admin_client):
    response = admin_client.get("/admin/boards/board/?q=%00")
    assert response.status_code == 400
    assert b"'q'" in response.content
