import pytest

from assets.tests.samples import inspect_bytes, jpeg_bytes, zip_bytes
from assets.validation import RejectedFile


@pytest.mark.parametrize(
    "trailer",
    [
        zip_bytes(),  # a whole archive
        b"PK\x03\x04" + b"\x00" * 40,  # a local file header alone (no central directory)
        b"\x00" * 10 + b"PK\x05\x06" + b"\x00" * 18,  # an end-of-central-directory record alone
    ],
)
def test_jpeg_with_zip_after_eoi_is_rejected_with_415(trailer):
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(jpeg_bytes() + trailer)

    assert caught.value.status_code == 415
    assert str(caught.value).startswith("The file is not only a JPEG image")
