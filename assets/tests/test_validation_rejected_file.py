import dataclasses

import pytest

from assets.validation import InspectedFile, RejectedFile


def test_rejected_file_carries_message_and_status():
    exc = RejectedFile("The file is not a PNG, JPEG, WebP or SVG image.", status_code=415)

    assert str(exc) == "The file is not a PNG, JPEG, WebP or SVG image."
    assert exc.status_code == 415
    assert isinstance(exc, Exception)


def test_inspected_file_is_frozen():
    info = InspectedFile("png", "image/png", "png", 1, 2, None)

    with pytest.raises(dataclasses.FrozenInstanceError):
        info.kind = "svg"
