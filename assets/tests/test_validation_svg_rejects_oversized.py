import pytest

from assets.tests.samples import inspect_bytes, svg_bytes
from assets.validation import MAX_SVG_BYTES, RejectedFile


def test_svg_over_10_mb_is_rejected_with_400():
    padding = "<!--" + "x" * MAX_SVG_BYTES + "-->"
    data = svg_bytes(padding)
    assert len(data) > 10 * 1024 * 1024

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data)

    assert caught.value.status_code == 400
    assert str(caught.value) == "The SVG file is larger than 10 MB."


def test_svg_just_under_the_limit_is_parsed():
    base = svg_bytes()
    data = svg_bytes("<!--" + "x" * (MAX_SVG_BYTES - len(base) - 7) + "-->")
    assert len(data) == MAX_SVG_BYTES

    assert inspect_bytes(data).kind == "svg"


def test_deeply_nested_svg_is_rejected_with_400():
    data = svg_bytes("<g>" * 2000 + "</g>" * 2000)

    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(data)

    assert caught.value.status_code == 400
    assert "nested" in str(caught.value)
