import io
import zipfile

import pytest

from assets.tests.samples import inspect_bytes, png_bytes, png_chunk, png_with_chunk_before_iend, zip_bytes
from assets.validation import RejectedFile


def test_zip_inside_an_ancillary_png_chunk_is_rejected_with_415():
    """The PNG is well formed (all CRCs right, IEND last) yet ZIP readers open it."""
    data = png_with_chunk_before_iend(png_bytes(), png_chunk(b"ziPp", zip_bytes()))
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["payload.html", "readme.txt"]

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data)

    assert caught.value.status_code == 415
    assert "ZIP archive" in str(caught.value)


def test_harmless_ancillary_chunk_is_accepted():
    data = png_with_chunk_before_iend(png_bytes(), png_chunk(b"tEXt", b"Comment\x00made by a test"))

    assert inspect_bytes(data).kind == "png"
