"""The file endpoint (a DRF view, so the schema lists it) answers as a plain file server would.

An <img> or a download tool may accept only image types, an admin preview comes with a
staff session and no token, and HEAD is a GET without the body.
"""

import pytest

from assets.tests.conftest import UPLOAD_HEADERS, png_bytes


def path(url: str) -> str:
    return url.replace("http://testserver", "").split("?")[0]


@pytest.mark.parametrize("accept", ["image/png", "image/webp,image/*;q=0.8", "text/html", "application/json"])
def test_a_public_file_is_served_whatever_the_client_accepts(api, accept):
    content = png_bytes(30, 20)
    asset = api.approved(content, visibility="public")

    response = api.client.get(path(asset["file_url"]), HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == content


def test_an_unknown_asset_is_a_json_404_whatever_the_client_accepts(api):
    response = api.client.get("/api/board-assets/3fdf2aaf-e13f-40a8-8c3f-6ffc179f7f53/file", HTTP_ACCEPT="image/png")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "No board asset" in response.json()["detail"]


def test_a_staff_session_previews_a_pending_file_without_a_token(api, admin_client):
    asset = api.uploaded(png_bytes(12, 12, color=(1, 2, 3)))
    url = path(asset["file_url"])

    assert api.client.logout() is None
    assert api.client.get(url).status_code == 404  # no signature, token or session
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_token_header_opens_a_private_file_and_head_has_no_body(api):
    asset = api.uploaded(png_bytes(14, 14, color=(9, 8, 7)))
    url = path(asset["file_url"])

    assert api.client.get(url, **UPLOAD_HEADERS).status_code == 200
    head = api.client.head(url, **UPLOAD_HEADERS)
    assert head.status_code == 200
    assert head["Content-Type"] == "image/png"
    assert b"".join(head.streaming_content) == b""
