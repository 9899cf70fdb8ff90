import time

from assets.models import BoardAsset
from assets.storage import link_sign
from assets.tests.conftest import UPLOAD_HEADERS, png_bytes


def fetch(api, url, **headers):
    return api.client.get(url.replace("http://testserver", ""), **headers)


def test_an_approved_public_file_is_open_to_anyone_with_safe_headers(api):
    content = png_bytes(50, 40)
    asset = api.approved(content, visibility="public")
    assert asset["file_url"] == f"http://testserver/api/board-assets/{asset['id']}/file"

    response = fetch(api, asset["file_url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("public")

    thumbnail = fetch(api, asset["thumbnail_url"])
    assert thumbnail.status_code == 200
    assert b"".join(thumbnail.streaming_content)[8:12] == b"WEBP"


def test_a_pending_file_needs_its_signed_link(api):
    asset = api.uploaded(visibility="public")
    signed = asset["file_url"]
    assert "signature=" in signed

    assert fetch(api, signed).status_code == 200
    plain = f"/api/board-assets/{asset['id']}/file"
    assert fetch(api, plain).status_code == 404  # its existence is not revealed
    assert fetch(api, plain, **UPLOAD_HEADERS).status_code == 200
    tampered = signed[:-3] + ("aaa" if not signed.endswith("aaa") else "bbb")
    assert fetch(api, tampered).status_code == 403
    # A link for the thumbnail does not open the file.
    thumbnail_signature = asset["thumbnail_url"].split("signature=")[1]
    assert fetch(api, f"{plain}?signature={thumbnail_signature}").status_code == 403


def test_a_signed_link_expires(api, settings):
    asset = api.uploaded()
    settings.BOARD_ASSET_SIGNED_URL_SECONDS = 1
    signature = link_sign(BoardAsset.objects.get(pk=asset["id"]), "file")
    time.sleep(2.1)
    response = fetch(api, f"/api/board-assets/{asset['id']}/file?signature={signature}")
    assert response.status_code == 403
    assert "expired" in response.json()["detail"]


def test_responses_never_show_storage_paths_or_settings(api, asset_storage_dir):
    asset = api.uploaded()
    listing = api.list(headers=UPLOAD_HEADERS)
    for body in (str(asset), listing.content.decode()):
        assert str(asset_storage_dir) not in body
        assert "storage_key" not in body
        assert "board-assets/" not in body.replace("/api/board-assets/", "")
