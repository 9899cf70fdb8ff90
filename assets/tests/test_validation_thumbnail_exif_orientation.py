import io

from PIL import Image

from assets.tests.samples import jpeg_bytes
from assets.validation import make_thumbnail


def test_exif_rotated_jpeg_gives_rotated_thumbnail():
    data = jpeg_bytes(640, 320, orientation=6)  # stored landscape, shown rotated 90 degrees: portrait

    thumb = make_thumbnail(io.BytesIO(data), kind="jpeg")

    with Image.open(io.BytesIO(thumb)) as img:
        assert img.size == (160, 320)
        assert img.getexif().get(0x0112) in (None, 1)


def test_unrotated_jpeg_keeps_its_orientation():
    thumb = make_thumbnail(io.BytesIO(jpeg_bytes(640, 320, orientation=1)), kind="jpeg")

    with Image.open(io.BytesIO(thumb)) as img:
        assert img.size == (320, 160)
