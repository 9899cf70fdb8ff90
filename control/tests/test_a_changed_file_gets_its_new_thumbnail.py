"""The same file name with a new modified time (re-sliced, uploaded again) gets the new picture; the old one's file
goes. A URL naming the file's modified time is served from the copy of that version without asking Moonraker."""

import pytest

from control.models import PrinterThumbnail
from control.tests.conftest import stored_thumbnails
from control.tests.thumbnail_fakes import MODIFIED, PNG, asked, serve_file
from control.tests.thumbnails import png_bytes

pytestmark = pytest.mark.django_db
URL = "/api/printers/voron/thumbnail"
NEW = png_bytes(200, 200, (250, 200, 0))


def test_a_new_version_replaces_the_old_copy(
    client, fake_moonraker, moonraker_row, thumbnail_storage_dir, settings, django_capture_on_commit_callbacks
):
    settings.PRINTER_THUMBNAIL_RECHECK_SECONDS = 0  # every request without modified asks whether it changed
    serve_file(fake_moonraker, "cube.gcode")
    moonraker_row(fake_moonraker.url)
    first = client.get(URL, {"file": "cube.gcode"})
    assert first.content == PNG
    old_key = PrinterThumbnail.objects.get().storage_key

    unchanged = client.get(URL, {"file": "cube.gcode"})  # asked, same version: not downloaded again
    assert (unchanged.content, unchanged["ETag"]) == (PNG, first["ETag"])
    assert asked(fake_moonraker).count("/server/files/gcodes/.thumbs/cube-300x200.png") == 1

    serve_file(fake_moonraker, "cube.gcode", thumbnails=((NEW, 200, 200),), modified=MODIFIED + 60)
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes once the new row is committed
        changed = client.get(URL, {"file": "cube.gcode"})

    assert changed.status_code == 200
    assert changed.content == NEW
    assert changed["ETag"] != first["ETag"]
    [row] = PrinterThumbnail.objects.all()
    assert (row.file_modified, row.width, row.height) == (MODIFIED + 60, 200, 200)
    assert stored_thumbnails(thumbnail_storage_dir) == [row.storage_key]
    assert row.storage_key != old_key


def test_a_url_with_the_modified_time_is_served_without_asking(client, fake_moonraker, moonraker_row, settings):
    settings.PRINTER_THUMBNAIL_RECHECK_SECONDS = 0
    serve_file(fake_moonraker, "cube.gcode")
    moonraker_row(fake_moonraker.url)
    params = {"file": "cube.gcode", "modified": repr(MODIFIED)}
    assert client.get(URL, params).content == PNG
    before = len(fake_moonraker.requests)

    again = client.get(URL, params)

    assert again.content == PNG
    assert again["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(fake_moonraker.requests) == before

    # A version the copy is not of: Moonraker is asked.
    serve_file(fake_moonraker, "cube.gcode", thumbnails=((NEW, 200, 200),), modified=MODIFIED + 60)
    newer = client.get(URL, {"file": "cube.gcode", "modified": repr(MODIFIED + 60)})
    assert newer.content == NEW
    assert newer["Cache-Control"] == "public, max-age=31536000, immutable"
