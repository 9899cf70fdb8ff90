import io

import pytest

from assets.tests.samples import MAX_PIXELS, jpeg_bytes, mpo_bytes
from assets.validation import inspect_upload, make_thumbnail


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


@pytest.mark.parametrize("sizes", [((30, 20), (8, 8)), ((64, 48), (32, 24), (16, 12))])
def test_a_camera_mpo_is_accepted_exactly_as_its_mpf_index_declares_it(sizes):
    """Further pictures after the first EOI are fine when the MPF index lists each (phones, stereo cameras)."""
    data = mpo_bytes(*sizes)

    result = inspect_upload(io.BytesIO(data), max_pixels=MAX_PIXELS)

    assert (result.kind, result.content_type, result.extension) == ("jpeg", "image/jpeg", "jpg")
    assert (result.width, result.height) == sizes[0]
    assert make_thumbnail(io.BytesIO(data), kind="jpeg")[:4] == b"RIFF"
