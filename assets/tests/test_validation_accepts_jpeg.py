import io

from assets.tests.samples import MAX_PIXELS, jpeg_bytes
from assets.validation import inspect_upload


def test_jpeg_is_accepted_with_its_size():
    upload = io.BytesIO(jpeg_bytes(80, 40))

    result = inspect_upload(upload, max_pixels=MAX_PIXELS)

    assert (result.kind, result.content_type, result.extension) == ("jpeg", "image/jpeg", "jpg")
    assert (result.width, result.height) == (80, 40)
    assert result.sanitized is None
    assert upload.tell() == 0


def test_cmyk_and_greyscale_jpegs_are_accepted():
    for mode in ("CMYK", "L"):
        result = inspect_upload(io.BytesIO(jpeg_bytes(30, 20, mode)), max_pixels=MAX_PIXELS)
        assert (result.kind, result.width, result.height) == ("jpeg", 30, 20)


def test_jpeg_with_non_zip_data_after_the_image_is_accepted():
    """Cameras append further pictures (MPF) and vendor trailers after EOI."""
    data = jpeg_bytes(30, 20) + jpeg_bytes(8, 8) + b"\x00" * 64

    result = inspect_upload(io.BytesIO(data), max_pixels=MAX_PIXELS)

    assert (result.kind, result.width, result.height) == ("jpeg", 30, 20)
