import pytest

from assets.tests.samples import inspect_bytes
from assets.validation import RejectedFile


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://example.com/not-svg" width="1" height="1"/>',
        b'<svg width="1" height="1"><rect width="1" height="1"/></svg>',  # no namespace
    ],
)
def test_svg_element_outside_the_svg_namespace_is_rejected_with_415(data):
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data)

    assert caught.value.status_code == 415
    assert "not an SVG image" in str(caught.value)
