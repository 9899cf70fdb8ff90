import pytest

from assets.tests.samples import inspect_bytes
from assets.validation import RejectedFile


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" width="1" width="2"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg">' + "caf\xe9".encode("latin-1") + b"</svg>",
        b'<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_broken_svg_is_rejected_with_400(data):
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data)

    assert caught.value.status_code == 400
    assert "SVG" in str(caught.value)


def test_parse_errors_name_the_position():
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(b'<svg xmlns="http://www.w3.org/2000/svg">\n<rect>\n</svg>')

    assert str(caught.value).startswith("The SVG file is not well-formed XML (line 3")
