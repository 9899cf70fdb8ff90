from assets.models import BoardAsset
from assets.tests.conftest import UPLOAD_HEADERS, png_bytes, stored_files


def test_a_file_over_the_limit_is_413_and_nothing_is_stored(api, settings, asset_storage_dir):
    settings.BOARD_ASSET_MAX_BYTES = 10_000
    big = png_bytes(400, 400) + b"\0" * 20_000
    response = api.upload(big)
    assert response.status_code == 413
    assert "10000 bytes" in response.json()["detail"]
    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []


def test_a_file_just_over_the_limit_is_stopped_while_streaming(api, settings, asset_storage_dir):
    content = png_bytes(64, 64)
    # The body (with its multipart overhead) is announced as acceptable;
    # only counting the file's bytes finds it one byte too large.
    settings.BOARD_ASSET_MAX_BYTES = len(content) - 1
    response = api.upload(content)
    assert response.status_code == 413
    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []


def test_a_file_at_the_limit_is_accepted(api, settings):
    content = png_bytes(64, 64)
    settings.BOARD_ASSET_MAX_BYTES = len(content)
    assert api.upload(content).status_code == 201


def test_an_announced_oversize_body_is_refused_before_it_is_parsed(client, settings, db):
    settings.BOARD_ASSET_MAX_BYTES = 1000
    response = client.generic(
        "POST",
        "/api/board-assets/",
        b"--x\r\n" + b"a" * 200_000,
        content_type="multipart/form-data; boundary=x",
        **UPLOAD_HEADERS,
    )
    assert response.status_code == 413
