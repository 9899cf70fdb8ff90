"""Uploads through the real server: daphne, the ASGI handler and a multipart body spooled to disk."""

import io
import json
import os
import urllib.error
import urllib.request

import pytest
from PIL import Image
from urllib3 import encode_multipart_formdata

from assets.tests.conftest import MODERATOR_TOKEN, UPLOAD_TOKEN

pytestmark = pytest.mark.slow


def noise_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def post_file(url: str, content: bytes, *, token: str = UPLOAD_TOKEN, **fields: str) -> tuple[int, dict]:
    body, content_type = encode_multipart_formdata(
        {**fields, "file": ("board.png", content, "application/octet-stream")}
    )
    request = urllib.request.Request(
        f"{url}/api/board-assets/",
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "X-Board-Assets-Key": token},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def server(start_daphne, asset_site_env, tmp_path):
    return start_daphne(asset_site_env(BOARD_ASSET_MAX_BYTES=str(4 * 1024 * 1024))), tmp_path / "assets"


def test_a_multi_megabyte_upload_is_stored_and_served(server):
    url, folder = server
    content = noise_png(1000, 1000)  # about 3 MB: larger than what Django keeps in memory
    assert len(content) > 2_621_440

    status, body = post_file(url, content, title="noise", visibility="public")

    assert status == 201, body
    assert body["size"] == len(content)
    assert (folder / f"{body['id']}.png").read_bytes() == content
    with urllib.request.urlopen(body["file_url"], timeout=10) as response:
        assert response.read() == content
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_oversized_upload_is_413_and_leaves_nothing(server):
    url, folder = server
    status, body = post_file(url, os.urandom(5 * 1024 * 1024))
    assert status == 413
    assert "bytes" in body["detail"]
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_wrong_token_is_refused_before_the_body_matters(server):
    url, _folder = server
    status, body = post_file(url, noise_png(10, 10), token=MODERATOR_TOKEN)
    assert status == 403
    assert "X-Board-Assets-Key" in body["detail"]
