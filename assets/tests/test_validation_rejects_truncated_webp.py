import pytest

from assets.tests.samples import inspect_bytes, webp_bytes
from assets.validation import RejectedFile


def test_truncated_webp_is_rejected_with_400():
    data = webp_bytes(200, 150)

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data[: len(data) // 2])

    assert caught.value.status_code == 400
    assert str(caught.value) == "The WebP file is truncated or corrupt."


def test_webp_with_data_after_the_riff_container_is_rejected_with_415():
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(webp_bytes() + b"PK\x03\x04 hidden")

    assert caught.value.status_code == 415
