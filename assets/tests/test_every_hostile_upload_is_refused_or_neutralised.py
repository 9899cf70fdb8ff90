"""The abuse corpus through the upload API: each file is refused with its status or neutralised and kept.

Refused files leave nothing behind: no row, no event, no stored file. An
accepted one is stored as ``<id>.<extension of its content>`` inside the
storage folder whatever the client called it, with the name recorded as
plain text; a stored SVG holds nothing that runs or loads (the judge of
assets/tests/svg_bypasses.py reads it). The browser side is
assets/tests/browser/test_accepted_hostile_uploads_run_nothing_in_chromium.py.
"""

import re

import pytest
from urllib3 import encode_multipart_formdata

from assets.models import BoardAsset, ModerationEvent
from assets.tests import abuse_corpus
from assets.tests.conftest import UPLOAD_HEADERS
from assets.tests.svg_bypasses import UNIT_TARGET, violations

NAMES = [entry.name for entry in abuse_corpus.corpus(UNIT_TARGET)]
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/svg+xml": "svg"}


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    built = abuse_corpus.build(tmp_path_factory.mktemp("abuse-corpus"), UNIT_TARGET)
    return {entry.name: entry for entry in built}


def files_under(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_the_corpus_covers_what_the_api_documents():
    statuses = {entry.status for entry in abuse_corpus.corpus(UNIT_TARGET)}
    assert statuses == {201, 400, 413, 415}
    assert len(NAMES) > 150


@pytest.mark.parametrize("name", NAMES)
def test_the_upload_is_refused_or_neutralised(api, settings, asset_storage_dir, tmp_path, hostile_files, name):
    settings.BOARD_ASSET_MAX_BYTES = abuse_corpus.MAX_BYTES
    hostile = hostile_files[name]
    # The bytes a client sends, file name and all (Django's test client would clean the name first).
    body, content_type = encode_multipart_formdata(
        {"file": (hostile.filename, hostile.path.read_bytes(), "application/octet-stream")}
    )
    before = files_under(tmp_path)

    response = api.client.post("/api/board-assets/", data=body, content_type=content_type, **UPLOAD_HEADERS)

    assert response.status_code == hostile.status, response.content
    answer = response.json()
    if not hostile.accepted:
        assert answer["detail"] if "detail" in answer else answer["file"]
        assert BoardAsset.objects.count() == 0
        assert ModerationEvent.objects.count() == 0
        assert files_under(tmp_path) == before
        return

    asset = BoardAsset.objects.get()
    assert str(asset.pk) == answer["id"]
    extension = EXTENSIONS[asset.content_type]
    assert asset.storage_key == f"{asset.pk}.{extension}"
    stored = files_under(asset_storage_dir)
    assert stored == sorted(key for key in (asset.storage_key, asset.thumbnail_key) if key)
    assert files_under(tmp_path) == sorted(before + [f"board-assets/{key}" for key in stored])
    for text in (asset.original_filename, asset.title):
        assert not re.search(r"[\x00-\x1f\x7f/\\]", text), text
        assert len(text) <= 255
    if extension == "svg":
        assert violations((asset_storage_dir / asset.storage_key).read_bytes(), UNIT_TARGET) == []
    else:
        assert (asset_storage_dir / asset.storage_key).read_bytes() == hostile.content
