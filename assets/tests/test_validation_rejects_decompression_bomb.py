import pytest

from assets.tests.samples import inspect_bytes, png_bomb_bytes
from assets.validation import RejectedFile

MESSAGE = "The image has 100000000 pixels; at most 40000000 are allowed."


def test_decompression_bomb_is_rejected_with_400():
    data = png_bomb_bytes()
    assert len(data) < 100_000  # small on disk

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data, max_pixels=40_000_000)

    assert caught.value.status_code == 400
    assert str(caught.value) == MESSAGE


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_decompression_bomb_is_rejected_when_pillow_only_warns():
    """In production Pillow's DecompressionBombWarning is a mere warning: our own limit must hold."""
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(png_bomb_bytes(), max_pixels=40_000_000)

    assert caught.value.status_code == 400
    assert str(caught.value) == MESSAGE
