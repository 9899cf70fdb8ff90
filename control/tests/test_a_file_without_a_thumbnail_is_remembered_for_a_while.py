"""A file whose metadata lists no thumbnail answers 404, and that answer is kept: Moonraker is not asked again
until PRINTER_THUMBNAIL_MISSING_SECONDS have passed."""

import pytest

from control.models import PrinterThumbnail
from control.tests.conftest import stored_thumbnails
from control.tests.thumbnail_fakes import PNG, asked, serve_file

pytestmark = pytest.mark.django_db
URL = "/api/printers/voron/thumbnail"


def test_no_thumbnail_is_a_404_remembered(client, fake_moonraker, moonraker_row, thumbnail_storage_dir):
    serve_file(fake_moonraker, "plain.gcode", thumbnails=())
    moonraker_row(fake_moonraker.url)

    first = client.get(URL, {"file": "plain.gcode"})
    second = client.get(URL, {"file": "plain.gcode"})

    assert (first.status_code, second.status_code) == (404, 404)
    assert first.json() == {"detail": "'plain.gcode' on printer 'voron' has no thumbnail."}
    assert asked(fake_moonraker) == ["/server/files/metadata"]
    [row] = PrinterThumbnail.objects.all()
    assert (row.state, row.storage_key) == ("none", "")
    assert stored_thumbnails(thumbnail_storage_dir) == []


def test_after_the_while_moonraker_is_asked_again(client, fake_moonraker, moonraker_row, settings):
    settings.PRINTER_THUMBNAIL_MISSING_SECONDS = 0
    serve_file(fake_moonraker, "plain.gcode", thumbnails=())
    moonraker_row(fake_moonraker.url)
    assert client.get(URL, {"file": "plain.gcode"}).status_code == 404

    serve_file(fake_moonraker, "plain.gcode")  # the slicer's thumbnail appeared (the file was re-sliced)
    again = client.get(URL, {"file": "plain.gcode"})

    assert again.status_code == 200
    assert again.content == PNG


@pytest.mark.parametrize(
    "content", [b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, PNG[: len(PNG) // 2]], ids=str
)
def test_a_thumbnail_that_is_not_a_whole_png_or_jpeg_is_none(
    client, fake_moonraker, moonraker_row, thumbnail_storage_dir, content
):
    serve_file(fake_moonraker, "cube.gcode", thumbnails=((content, 300, 200),))
    moonraker_row(fake_moonraker.url)

    response = client.get(URL, {"file": "cube.gcode"})

    assert response.status_code == 404
    assert stored_thumbnails(thumbnail_storage_dir) == []
    assert PrinterThumbnail.objects.get().state == "none"


def test_a_thumbnail_larger_than_the_limit_is_not_read_whole(
    client, fake_moonraker, moonraker_row, thumbnail_storage_dir, settings
):
    settings.PRINTER_THUMBNAIL_MAX_BYTES = 2048
    big = PNG + b"\x00" * 100_000  # the metadata understates its size: the download stops at the limit
    serve_file(fake_moonraker, "cube.gcode", thumbnails=((big, 300, 200),), size_listed=1000)
    moonraker_row(fake_moonraker.url)

    response = client.get(URL, {"file": "cube.gcode"})

    assert response.status_code == 503  # Moonraker sent more than it said: a bad answer, nothing kept
    assert "more than 2048 bytes" in response.json()["detail"]
    assert not PrinterThumbnail.objects.exists()
    assert stored_thumbnails(thumbnail_storage_dir) == []
