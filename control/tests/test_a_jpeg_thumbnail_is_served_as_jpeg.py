"""A slicer's JPEG thumbnail (thumbnail_JPG blocks, which Moonraker keeps as .jpg) is served as image/jpeg."""

import io

import pytest
from PIL import Image

from control.models import PrinterThumbnail
from control.tests.thumbnail_fakes import serve_file

pytestmark = pytest.mark.django_db


def jpeg_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 90, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_jpeg_is_served_as_jpeg(client, fake_moonraker, moonraker_row):
    jpeg = jpeg_bytes(320, 240)
    serve_file(fake_moonraker, "cube.gcode", thumbnails=((jpeg, 320, 240),), extension="jpg")
    moonraker_row(fake_moonraker.url)

    response = client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"})

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content == jpeg
    assert PrinterThumbnail.objects.get().content_type == "image/jpeg"


def test_a_png_named_jpg_is_served_as_what_it_is(client, fake_moonraker, moonraker_row):
    from control.tests.thumbnail_fakes import PNG

    serve_file(fake_moonraker, "cube.gcode", thumbnails=((PNG, 300, 200),), extension="jpg")
    moonraker_row(fake_moonraker.url)

    response = client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"})

    assert response["Content-Type"] == "image/png"  # Pillow's finding, not the name's
