import pytest

from assets.tests.samples import doctype_svg, inspect_bytes
from assets.validation import RejectedFile


def test_svg_with_a_doctype_is_rejected_with_400():
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(doctype_svg())

    assert caught.value.status_code == 400
    assert str(caught.value) == "SVG files with a DOCTYPE are not accepted."
