from assets.models import BoardAsset
from assets.tests.conftest import SVG_WITH_SCRIPT, UPLOAD_HEADERS


def test_the_stored_and_served_svg_no_longer_holds_the_script(api, asset_storage_dir):
    body = api.uploaded(SVG_WITH_SCRIPT, name="board.png", title="SVG board")

    asset = BoardAsset.objects.get(pk=body["id"])
    assert asset.content_type == "image/svg+xml"
    assert asset.storage_key == f"{asset.pk}.svg"  # the name comes from the content, not the client
    assert (asset.width, asset.height) == (120, 80)
    stored = (asset_storage_dir / asset.storage_key).read_bytes()
    assert b"<script" not in stored
    assert b"onload" not in stored
    assert b"alert" not in stored
    assert b"rect" in stored  # the drawing is kept
    assert body["thumbnail_url"] is None

    served = api.client.get(body["file_url"], **UPLOAD_HEADERS)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == stored
    assert served["Content-Type"] == "image/svg+xml"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in served["Content-Security-Policy"]
    assert "sandbox" in served["Content-Security-Policy"]


def test_an_svg_with_an_external_entity_is_refused(api, asset_storage_dir):
    xxe = b"""<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>"""
    response = api.upload(xxe, name="board.svg")
    assert response.status_code == 400
    assert b"root:" not in response.content
    assert BoardAsset.objects.count() == 0
