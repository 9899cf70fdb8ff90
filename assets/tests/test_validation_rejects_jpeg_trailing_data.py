import pytest

from assets.tests.samples import inspect_bytes, jpeg_bytes, mpo_bytes, mpo_with_changed_entry, png_bytes
from assets.validation import RejectedFile

NOT_DECLARED = "The file is not only a JPEG image: it has data after the image that its MPF index does not declare."


@pytest.mark.parametrize(
    "trailer",
    [b"\n", b"\x00" * 64, b"<?php system($_GET['c']); ?>", b"<script>alert(1)</script>", png_bytes(4, 4)],
    ids=["newline", "zeros", "php", "html", "png"],
)
def test_jpeg_with_data_after_eoi_is_rejected_with_415(trailer):
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(jpeg_bytes() + trailer)

    assert caught.value.status_code == 415
    assert str(caught.value) == "The file is not only a JPEG image: it has extra data after the image."


def test_a_second_jpeg_that_no_mpf_index_declares_is_rejected_with_415():
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(jpeg_bytes(30, 20) + jpeg_bytes(8, 8))

    assert caught.value.status_code == 415


def test_data_after_the_pictures_an_mpf_index_declares_is_rejected_with_415():
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(mpo_bytes() + b"<?php echo 1; ?>")

    assert caught.value.status_code == 415
    assert str(caught.value) == NOT_DECLARED


@pytest.mark.parametrize(
    "change",
    [
        {"size_change": -10},  # the declared picture ends before its EOI
        {"offset_change": 1},  # a byte between the pictures that nothing declares
        {"offset_change": -1},  # overlaps the first picture
    ],
)
def test_an_mpf_index_that_does_not_match_the_pictures_is_rejected_with_415(change):
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(mpo_with_changed_entry(mpo_bytes(), 1, **change))

    assert caught.value.status_code == 415
    assert str(caught.value) == NOT_DECLARED


@pytest.mark.parametrize("data", [mpo_bytes()[:-40], mpo_with_changed_entry(mpo_bytes(), 1, size_change=10)])
def test_a_declared_picture_cut_short_is_rejected_with_400(data):
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data)

    assert caught.value.status_code == 400
    assert str(caught.value) == "The JPEG file is truncated or corrupt."
