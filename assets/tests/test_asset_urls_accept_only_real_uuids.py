"""An asset URL whose id is not a UUID is a JSON 404 on every route, with and without tokens."""

import pytest

from assets.tests.conftest import MODERATOR_HEADERS, UPLOAD_HEADERS

NOT_UUIDS = [
    "0" * 36,
    "-" * 36,
    "0000000-00000-0000-0000-000000000000",  # 36 characters, dashes in the wrong places
    "00000000-0000-0000-0000-00000000000g",
]
ROUTES = ["{id}", "{id}/", "{id}/file", "{id}/thumbnail", "{id}/moderation", "{id}/moderation/"]


def call(api, method, url, headers):
    if method == "get":
        return api.client.get(url, **headers)
    if method == "delete":
        return api.client.delete(url, **headers)
    return api.client.patch(url, {"title": "x", "status": "approved"}, content_type="application/json", **headers)


@pytest.mark.parametrize("bad_id", NOT_UUIDS)
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("headers", [{}, UPLOAD_HEADERS, MODERATOR_HEADERS], ids=["anonymous", "upload", "moderator"])
def test_an_id_that_is_not_a_uuid_is_a_json_404(api, bad_id, route, method, headers):
    response = call(api, method, f"/api/board-assets/{route.format(id=bad_id)}", headers)

    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_real_id_still_reaches_its_asset_in_either_case_and_either_slash_form(api):
    asset = api.approved(visibility="public")
    for form in (asset["id"], asset["id"].upper(), f"{asset['id']}/", f"{asset['id'].upper()}/"):
        response = api.get(form)
        assert response.status_code == 200, (form, response.content)
        assert response.json()["id"] == asset["id"]
    response = api.client.get(f"/api/board-assets/{asset['id'].upper()}/file")
    assert response.status_code == 200
    assert api.moderate(asset["id"].upper(), "rejected", notes="blurry").status_code == 200


@pytest.mark.parametrize("bad_id", NOT_UUIDS)
def test_the_admin_answers_a_non_uuid_with_its_does_not_exist_page(admin_client, bad_id):
    for url in (f"/admin/assets/boardasset/{bad_id}/moderate/approved/", f"/admin/assets/boardasset/{bad_id}/change/"):
        response = admin_client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "doesn\u2019t exist" in response.content.decode(), url
