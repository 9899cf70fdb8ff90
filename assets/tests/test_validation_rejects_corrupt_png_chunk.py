import pytest

from assets.tests.samples import (
    inspect_bytes,
    png_bytes,
    png_chunk,
    png_with_chunk_before_iend,
    png_with_flipped_idat_byte,
)
from assets.validation import RejectedFile


def test_png_with_a_flipped_idat_byte_is_rejected_with_400():
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(png_with_flipped_idat_byte(png_bytes(100, 80)))

    assert caught.value.status_code == 400
    assert str(caught.value) == "The PNG file is truncated or corrupt."


def test_png_with_a_bad_crc_on_an_ancillary_chunk_is_rejected_with_400():
    chunk = bytearray(png_chunk(b"tEXt", b"Comment\x00hello"))
    chunk[-1] ^= 0xFF  # wrong CRC, data intact

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(png_with_chunk_before_iend(png_bytes(), bytes(chunk)))

    assert caught.value.status_code == 400


def test_png_signature_followed_by_junk_is_rejected_with_400():
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 4)

    assert caught.value.status_code == 400
