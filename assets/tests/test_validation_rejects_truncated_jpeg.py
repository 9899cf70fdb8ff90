import pytest
from PIL import ImageFile

from assets.tests.samples import inspect_bytes, jpeg_bytes
from assets.validation import RejectedFile


@pytest.mark.parametrize("keep", [0.3, 0.8, -2])
def test_truncated_jpeg_is_rejected_with_400(keep):
    data = jpeg_bytes(200, 150)
    cut = data[: int(len(data) * keep)] if keep > 0 else data[:keep]

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(cut)

    assert caught.value.status_code == 400
    assert str(caught.value) == "The JPEG file is truncated or corrupt."


def test_truncated_jpeg_is_rejected_even_if_pillow_is_told_to_load_truncated_images(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = jpeg_bytes(200, 150)

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data[: len(data) // 2])

    assert caught.value.status_code == 400
