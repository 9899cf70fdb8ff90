import io

from assets.tests.samples import MAX_PIXELS, webp_bytes
from assets.validation import inspect_upload


def test_webp_is_accepted_with_its_size():
    upload = io.BytesIO(webp_bytes(50, 70))

    result = inspect_upload(upload, max_pixels=MAX_PIXELS)

    assert (result.kind, result.content_type, result.extension) == ("webp", "image/webp", "webp")
    assert (result.width, result.height) == (50, 70)
    assert result.sanitized is None
    assert upload.tell() == 0


def test_lossless_webp_with_alpha_is_accepted():
    result = inspect_upload(io.BytesIO(webp_bytes(12, 9, "RGBA", lossless=True)), max_pixels=MAX_PIXELS)

    assert (result.kind, result.width, result.height) == ("webp", 12, 9)
