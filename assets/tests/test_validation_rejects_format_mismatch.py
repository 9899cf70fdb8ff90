import pytest
from PIL import Image

from assets import validation
from assets.tests.samples import inspect_bytes, png_bytes
from assets.validation import RejectedFile


def test_file_whose_pillow_format_differs_from_its_magic_is_rejected_with_415(monkeypatch):
    """Pillow's plugins check the same magic bytes, so this needs a stand-in Pillow that disagrees."""
    real_open = Image.open

    def open_as_gif(*args, **kwargs):
        img = real_open(*args, **kwargs)
        img.format = "GIF"
        return img

    monkeypatch.setattr(validation.Image, "open", open_as_gif)

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(png_bytes())

    assert caught.value.status_code == 415
