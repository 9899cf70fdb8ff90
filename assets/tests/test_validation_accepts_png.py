import io

from assets.tests.samples import MAX_PIXELS, png_bytes
from assets.validation import inspect_upload


def test_png_is_accepted_with_its_size():
    upload = io.BytesIO(png_bytes(64, 48))
    upload.read(10)  # the caller may have read already

    result = inspect_upload(upload, max_pixels=MAX_PIXELS)

    assert (result.kind, result.content_type, result.extension) == ("png", "image/png", "png")
    assert (result.width, result.height) == (64, 48)
    assert result.sanitized is None
    assert upload.tell() == 0


def test_png_with_alpha_and_palette_modes_are_accepted():
    for mode in ("RGBA", "P", "L", "1"):
        upload = io.BytesIO(png_bytes(20, 30, mode))
        result = inspect_upload(upload, max_pixels=MAX_PIXELS)
        assert (result.kind, result.width, result.height) == ("png", 20, 30)
