import io

import pytest
from PIL import Image

from assets.tests.samples import jpeg_bytes, png_bytes, webp_bytes
from assets.validation import make_thumbnail


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("png", png_bytes(1000, 500), (320, 160)),
        ("jpeg", jpeg_bytes(400, 1200), (107, 320)),
        ("webp", webp_bytes(640, 640), (320, 320)),
        ("png", png_bytes(100, 50), (100, 50)),  # never enlarged
    ],
)
def test_thumbnail_is_webp_with_longest_side_320(kind, data, expected):
    upload = io.BytesIO(data)

    thumb = make_thumbnail(upload, kind=kind)

    assert thumb[:4] == b"RIFF"
    assert thumb[8:12] == b"WEBP"
    with Image.open(io.BytesIO(thumb)) as img:
        assert img.format == "WEBP"
        assert img.size == expected
    assert upload.tell() == 0


def test_thumbnail_size_can_be_chosen():
    thumb = make_thumbnail(io.BytesIO(png_bytes(300, 200)), kind="png", max_size=60)

    with Image.open(io.BytesIO(thumb)) as img:
        assert img.size == (60, 40)


def test_thumbnail_refuses_svg():
    with pytest.raises(ValueError, match="raster"):
        make_thumbnail(io.BytesIO(b"<svg/>"), kind="svg")
