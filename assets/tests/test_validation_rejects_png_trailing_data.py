import pytest

from assets.tests.samples import inspect_bytes, png_bytes
from assets.validation import RejectedFile


@pytest.mark.parametrize("trailer", [b"\n", b"<?php system($_GET['c']); ?>", png_bytes(4, 4)])
def test_png_with_data_after_iend_is_rejected_with_415(trailer):
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(png_bytes() + trailer)

    assert caught.value.status_code == 415
    assert str(caught.value) == "The file is not only a PNG image: it has extra data after the image."
