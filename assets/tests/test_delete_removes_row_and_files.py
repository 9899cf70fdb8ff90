from assets.models import BoardAsset, ModerationEvent
from assets.tests.conftest import MODERATOR_HEADERS, UPLOAD_HEADERS, stored_files


def test_a_moderator_deletes_the_row_and_its_files(api, asset_storage_dir):
    asset = api.approved()
    assert len(stored_files(asset_storage_dir)) == 2

    response = api.client.delete(f"/api/board-assets/{asset['id']}", **MODERATOR_HEADERS)

    assert response.status_code == 204
    assert not BoardAsset.objects.filter(pk=asset["id"]).exists()
    # The events stay as the audit record (test_deleting_an_asset_leaves_an_audit_record.py).
    assert ModerationEvent.objects.filter(asset_ref=asset["id"], asset=None).count() == 3
    assert stored_files(asset_storage_dir) == []
    assert api.client.delete(f"/api/board-assets/{asset['id']}", **MODERATOR_HEADERS).status_code == 404


def test_uploaders_cannot_delete(api, asset_storage_dir):
    asset = api.uploaded()
    assert api.client.delete(f"/api/board-assets/{asset['id']}", **UPLOAD_HEADERS).status_code == 403
    assert BoardAsset.objects.filter(pk=asset["id"]).exists()
    assert len(stored_files(asset_storage_dir)) == 2
