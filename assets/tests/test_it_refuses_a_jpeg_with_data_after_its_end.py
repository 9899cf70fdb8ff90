import pytest

from assets.models import BoardAsset
from assets.tests.conftest import UPLOAD_HEADERS, stored_files
from assets.tests.samples import jpeg_bytes, mpo_bytes, mpo_with_changed_entry, zip_bytes

AFTER_THE_IMAGE = {
    "php": jpeg_bytes() + b"<?php system($_GET['c']); ?>",
    "html": jpeg_bytes() + b"<html><script>alert(1)</script></html>",
    "undeclared second picture": jpeg_bytes(30, 20) + jpeg_bytes(8, 8),
    "zip": jpeg_bytes() + zip_bytes(),
    "data after an mpo's pictures": mpo_bytes() + b"\x00" * 32,
    "mpo index that does not match": mpo_with_changed_entry(mpo_bytes(), 1, offset_change=1),
}


@pytest.mark.parametrize("kind", AFTER_THE_IMAGE)
def test_it_answers_415_naming_the_problem_and_stores_nothing(api, asset_storage_dir, kind):
    response = api.upload(AFTER_THE_IMAGE[kind], name="board.jpg")

    assert response.status_code == 415, response.content
    assert response.json()["detail"].startswith("The file is not only a JPEG image")
    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []


def test_a_camera_mpo_is_stored_unchanged(api, asset_storage_dir):
    content = mpo_bytes((64, 48), (32, 24), (16, 12))

    body = api.uploaded(content, name="IMG_0001.JPG")

    asset = BoardAsset.objects.get(pk=body["id"])
    assert (asset.content_type, asset.width, asset.height) == ("image/jpeg", 64, 48)
    assert (asset_storage_dir / asset.storage_key).read_bytes() == content
    thumbnail = api.client.get(body["thumbnail_url"], **UPLOAD_HEADERS)
    assert thumbnail.status_code == 200
