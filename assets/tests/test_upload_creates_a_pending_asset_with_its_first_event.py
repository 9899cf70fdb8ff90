import hashlib

from assets.models import BoardAsset
from assets.tests.conftest import png_bytes, stored_files


def test_upload_creates_a_pending_asset_with_its_first_event(api, asset_storage_dir):
    content = png_bytes(64, 48)
    response = api.upload(content, name="octopus top.png", title="Octopus V1.1", uploaded_by="kim", visibility="public")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["title"] == "Octopus V1.1"
    assert body["visibility"] == "public"
    assert body["uploaded_by"] == "kim"
    assert body["original_filename"] == "octopus top.png"
    assert (body["content_type"], body["width"], body["height"]) == ("image/png", 64, 48)
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["created_at"].endswith("+00:00")
    asset = BoardAsset.objects.get(pk=body["id"])
    assert [(event.status, event.reviewer) for event in asset.events.all()] == [("pending", "")]
    assert stored_files(asset_storage_dir) == sorted([f"{asset.pk}.png", f"{asset.pk}.thumbnail.webp"])
    assert (asset_storage_dir / f"{asset.pk}.png").read_bytes() == content


def test_the_title_defaults_to_the_file_name(api):
    body = api.uploaded(png_bytes(), name="skr_mini-e3.png")
    assert body["title"] == "skr mini e3"
