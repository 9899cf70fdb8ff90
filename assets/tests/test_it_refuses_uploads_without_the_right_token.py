import pytest

from assets.models import BoardAsset
from assets.tests.conftest import MODERATOR_TOKEN, UPLOAD_TOKEN, stored_files


def test_a_missing_token_is_401_naming_the_header(api, asset_storage_dir):
    response = api.upload(headers={})
    assert response.status_code == 401
    assert "X-Board-Assets-Key" in response.json()["detail"]
    assert "X-Board-Assets-Key" in response.headers["WWW-Authenticate"]
    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []


@pytest.mark.parametrize("token", ["wrong-token-0123456789", UPLOAD_TOKEN[:-1], UPLOAD_TOKEN + "x", ""])
def test_a_wrong_token_is_403(api, token):
    response = api.upload(headers={"HTTP_X_BOARD_ASSETS_KEY": token})
    assert response.status_code == 403
    assert response.json()["detail"]
    assert BoardAsset.objects.count() == 0


def test_the_moderator_token_is_not_an_upload_token(api):
    response = api.upload(headers={"HTTP_X_BOARD_ASSETS_KEY": MODERATOR_TOKEN})
    assert response.status_code == 403
    response = api.upload(headers={"HTTP_X_BOARD_ASSETS_MODERATOR": MODERATOR_TOKEN})
    assert response.status_code == 403
    assert BoardAsset.objects.count() == 0


def test_the_upload_token_is_not_a_moderator_token(api):
    asset = api.uploaded()
    for headers in ({"HTTP_X_BOARD_ASSETS_MODERATOR": UPLOAD_TOKEN}, {"HTTP_X_BOARD_ASSETS_KEY": UPLOAD_TOKEN}):
        assert api.moderate(asset["id"], "approved", headers=headers).status_code == 403
        assert api.client.get("/api/board-assets/moderation/pending", **headers).status_code == 403
        assert api.client.delete(f"/api/board-assets/{asset['id']}", **headers).status_code == 403
    assert BoardAsset.objects.get(pk=asset["id"]).status == "pending"


def test_a_token_in_the_token_endpoint_is_never_echoed(api):
    response = api.upload(headers={"HTTP_X_BOARD_ASSETS_KEY": "a-secret-guess-0123456789"})
    assert b"a-secret-guess" not in response.content
