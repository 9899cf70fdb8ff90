import io
import zipfile

import pytest

from assets.models import BoardAsset
from assets.tests.conftest import UPLOAD_HEADERS, png_bytes, stored_files


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("board.png", png_bytes())
    return buffer.getvalue()


NOT_GRAPHICS = {
    "html": (b"<!doctype html><html><body><script>alert(1)</script></body></html>", "board.png"),
    "pdf": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "board.svg"),
    "zip": (zip_bytes(), "board.webp"),
    "elf executable": (b"\x7fELF\x02\x01\x01" + b"\0" * 200, "board.jpg"),
    "windows executable": (b"MZ\x90\x00" + b"\0" * 200, "board.png"),
    "png followed by a zip (polyglot)": (png_bytes() + zip_bytes(), "board.png"),
}


@pytest.mark.parametrize("kind", NOT_GRAPHICS)
def test_it_answers_415_and_stores_nothing(api, asset_storage_dir, kind):
    content, name = NOT_GRAPHICS[kind]
    response = api.upload(content, name=name)
    assert response.status_code == 415, response.content
    assert response.json()["detail"]
    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []


def test_a_truncated_png_is_400(api, asset_storage_dir):
    content = png_bytes(300, 300, color=(1, 2, 3))
    response = api.upload(content[: len(content) // 2])
    assert response.status_code == 400
    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []


def test_a_decompression_bomb_is_400(api, settings, asset_storage_dir):
    settings.BOARD_ASSET_MAX_PIXELS = 1_000_000
    response = api.upload(png_bytes(2000, 1000))
    assert response.status_code == 400
    assert "pixels" in response.json()["detail"]
    assert stored_files(asset_storage_dir) == []


def test_an_empty_file_is_400_naming_the_field(api):
    empty = io.BytesIO(b"")
    empty.name = "empty.png"
    response = api.client.post("/api/board-assets/", {"file": empty}, **UPLOAD_HEADERS)
    assert response.status_code == 400
    assert "file" in response.json()


def test_a_missing_file_is_400_naming_the_field(api):
    response = api.client.post("/api/board-assets/", {"title": "no file"}, **UPLOAD_HEADERS)
    assert response.status_code == 400
    assert response.json()["file"]


def test_an_unknown_form_field_is_400_naming_it(api):
    response = api.upload(status="approved")
    assert response.status_code == 400
    assert "status" in response.json()
    assert BoardAsset.objects.count() == 0
