import pytest
from PIL import ImageFile

from assets.tests.samples import inspect_bytes, jpeg_bytes, png_bytes, webp_bytes
from assets.validation import RejectedFile


@pytest.mark.parametrize("make", [png_bytes, jpeg_bytes, webp_bytes])
def test_too_many_pixels_is_rejected_before_decoding(make, monkeypatch):
    def must_not_decode(self):
        raise AssertionError("decoded before the pixel check")

    monkeypatch.setattr(ImageFile.ImageFile, "load", must_not_decode)

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(make(100, 60), max_pixels=5_999)

    assert caught.value.status_code == 400
    assert str(caught.value) == "The image has 6000 pixels; at most 5999 are allowed."


def test_image_at_the_pixel_limit_is_accepted():
    assert inspect_bytes(png_bytes(100, 60), max_pixels=6_000).kind == "png"
