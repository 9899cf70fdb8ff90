import zlib

import pytest

from assets.tests.samples import (
    inspect_bytes,
    png_bytes,
    png_with_idat_payload,
    webp_bytes,
    webp_with_scrambled_bitstream,
)
from assets.validation import RejectedFile


@pytest.mark.parametrize(
    "payload",
    [
        zlib.compress(b"\x00" * 100),  # valid zlib, far too little pixel data
        b"\x78\x9c" + bytes(range(7, 250)),  # not a deflate stream
    ],
)
def test_png_whose_pixels_do_not_decode_is_rejected_with_400(payload):
    """Chunks and CRCs are fine; only decoding the image finds the damage."""
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(png_with_idat_payload(png_bytes(64, 48), payload))

    assert caught.value.status_code == 400
    assert str(caught.value) == "The PNG file is truncated or corrupt."


def test_webp_whose_bitstream_does_not_decode_is_rejected_with_400():
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(webp_with_scrambled_bitstream(webp_bytes(200, 150)))

    assert caught.value.status_code == 400
    assert str(caught.value) == "The WebP file is truncated or corrupt."
