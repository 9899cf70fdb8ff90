import io
import zipfile

import pytest

from assets.tests.samples import inspect_bytes, png_bytes, zip_bytes
from assets.validation import RejectedFile


def test_png_followed_by_zip_is_rejected_with_415():
    data = png_bytes() + zip_bytes()
    assert zipfile.is_zipfile(io.BytesIO(data))  # a real polyglot

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data)

    assert caught.value.status_code == 415
    assert str(caught.value).startswith("The file is not only a PNG image")
