"""A G-code file's thumbnail through real Moonraker (it extracts the slicer's embedded images): fetched by the
server once, stored, and served from that copy afterwards, also once Moonraker is gone."""

import pytest

from control.models import PrinterThumbnail
from control.tests.conftest import stored_thumbnails
from control.tests.thumbnails import gcode_with_thumbnails, png_bytes

pytestmark = [pytest.mark.moonraker, pytest.mark.slow, pytest.mark.django_db]

SMALL, BEST, LARGE = png_bytes(16, 12, (200, 0, 0)), png_bytes(300, 300, (0, 160, 0)), png_bytes(600, 600)


def test_the_thumbnail_is_fetched_once_and_served_from_the_copy(
    client, moonraker_printer, moonraker_row, thumbnail_storage_dir
):
    mr = moonraker_printer()
    gcode = gcode_with_thumbnails((SMALL, 16, 12), (BEST, 300, 300), (LARGE, 600, 600))
    # Into a folder: the thumbnails' paths are relative to the file's folder.
    uploaded = mr.http(
        "POST",
        "/server/files/upload",
        files={"file": ("cube.gcode", gcode.encode())},
        data={"root": "gcodes", "path": "parts"},
    )
    assert uploaded.status_code == 201, uploaded.text
    metadata = mr.wait_metadata("parts/cube.gcode")
    assert {(t["width"], t["height"]) for t in metadata["thumbnails"]} >= {(16, 12), (300, 300), (600, 600)}
    moonraker_row(mr.url, api_key=mr.api_key)
    url = "/api/printers/voron/thumbnail"

    first = client.get(url, {"file": "parts/cube.gcode"})

    assert first.status_code == 200, first.content
    assert first["Content-Type"] == "image/png"
    assert first.content == BEST  # the widest up to 400 px, byte for byte as the slicer embedded it
    assert first["X-Content-Type-Options"] == "nosniff"
    etag = first["ETag"]
    [row] = PrinterThumbnail.objects.all()
    assert (row.path, row.state, row.width, row.height, row.file_modified) == (
        "parts/cube.gcode",
        "stored",
        300,
        300,
        metadata["modified"],
    )
    assert stored_thumbnails(thumbnail_storage_dir) == [row.storage_key]
    assert (thumbnail_storage_dir / row.storage_key).read_bytes() == BEST

    # The file's modified time in the URL: that version, immutable.
    versioned = client.get(url, {"file": "parts/cube.gcode", "modified": metadata["modified"]})
    assert versioned.content == BEST
    assert versioned["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(url, {"file": "parts/cube.gcode"}, headers={"If-None-Match": etag}).status_code == 304

    mr.stop_moonraker()

    for params in ({"file": "parts/cube.gcode"}, {"file": "parts/cube.gcode", "modified": metadata["modified"]}):
        again = client.get(url, params)
        assert again.status_code == 200, again.content
        assert (again.content, again["ETag"]) == (BEST, etag)
    assert PrinterThumbnail.objects.count() == 1
    assert stored_thumbnails(thumbnail_storage_dir) == [row.storage_key]

    # Without a copy, the printer being gone is a 503 that names it.
    missing = client.get(url, {"file": "other.gcode"})
    assert missing.status_code == 503
    assert "'voron'" in missing.json()["detail"]
    assert "unreachable" in missing.json()["detail"]
