from assets.models import BoardAsset
from assets.tests.conftest import MODERATOR_HEADERS, UPLOAD_HEADERS


def test_uploads_answer_503_when_no_upload_token_is_configured(api, settings):
    settings.BOARD_ASSET_UPLOAD_TOKEN = ""
    for headers in ({}, UPLOAD_HEADERS, {"HTTP_X_BOARD_ASSETS_KEY": ""}):
        response = api.upload(headers=headers)
        assert response.status_code == 503
        assert "BOARD_ASSET_UPLOAD_TOKEN" in response.json()["detail"]
    assert BoardAsset.objects.count() == 0


def test_moderation_answers_503_when_no_moderator_token_is_configured(api, settings):
    asset = api.uploaded()
    settings.BOARD_ASSET_MODERATION_TOKEN = ""
    assert api.client.get("/api/board-assets/moderation/pending", **MODERATOR_HEADERS).status_code == 503
    assert api.moderate(asset["id"], "approved").status_code == 503
    response = api.client.delete(f"/api/board-assets/{asset['id']}", **MODERATOR_HEADERS)
    assert response.status_code == 503
    assert "BOARD_ASSET_MODERATION_TOKEN" in response.json()["detail"]
    assert BoardAsset.objects.get(pk=asset["id"]).status == "pending"


def test_an_unset_token_never_lets_a_listing_see_private_assets(api, settings):
    api.uploaded(visibility="private")
    settings.BOARD_ASSET_MODERATION_TOKEN = ""
    response = api.list(headers={"HTTP_X_BOARD_ASSETS_MODERATOR": ""})
    assert response.status_code == 403
