import pytest
from PIL import ImageFile

from assets.tests.samples import inspect_bytes, png_bytes
from assets.validation import RejectedFile


@pytest.mark.parametrize("keep", [0.5, 0.9, -12])
def test_truncated_png_is_rejected_with_400(keep):
    data = png_bytes(200, 150)
    cut = data[: int(len(data) * keep)] if keep > 0 else data[:keep]

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(cut)

    assert caught.value.status_code == 400
    assert str(caught.value) == "The PNG file is truncated or corrupt."


def test_truncated_png_is_rejected_even_if_pillow_is_told_to_load_truncated_images(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = png_bytes(200, 150)

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data[: len(data) // 2])

    assert caught.value.status_code == 400


def test_inspection_leaves_load_truncated_images_off():
    with pytest.raises(RejectedFile):
        inspect_bytes(png_bytes(200, 150)[:-100])

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
