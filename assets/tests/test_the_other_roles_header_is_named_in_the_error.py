"""A request with only the other role's token header hears which header the endpoint needs and which one it sent."""

from assets.models import BoardAsset
from assets.tests.conftest import MODERATOR_HEADERS, UPLOAD_HEADERS


def test_an_edit_with_only_the_moderator_header_names_both_headers(api):
    asset = api.uploaded(title="kept")

    response = api.client.patch(
        f"/api/board-assets/{asset['id']}", {"title": "new"}, content_type="application/json", **MODERATOR_HEADERS
    )

    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "needs the X-Board-Assets-Key header (the upload token)" in detail
    assert "sent only X-Board-Assets-Moderator" in detail
    assert "does not hold a valid token" not in detail
    assert BoardAsset.objects.get(pk=asset["id"]).title == "kept"


def test_a_decision_with_only_the_upload_header_names_both_headers(api):
    asset = api.uploaded()

    response = api.moderate(asset["id"], "approved", headers=UPLOAD_HEADERS)

    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "needs the X-Board-Assets-Moderator header (the moderator token)" in detail
    assert "sent only X-Board-Assets-Key" in detail
    assert BoardAsset.objects.get(pk=asset["id"]).status == "pending"


def test_a_wrong_token_in_the_right_header_still_says_it_is_not_valid(api):
    asset = api.uploaded()
    response = api.moderate(asset["id"], "approved", headers={"HTTP_X_BOARD_ASSETS_MODERATOR": "wrong"})
    assert response.status_code == 403
    assert "X-Board-Assets-Moderator header does not hold a valid token" in response.json()["detail"]
