import io

from assets.tests.samples import MAX_PIXELS, parse_svg, svg_bytes, svg_tag
from assets.validation import inspect_upload


def test_svg_is_accepted_with_its_size_and_a_sanitized_copy():
    upload = io.BytesIO(svg_bytes(attrs='width="120" height="80"'))

    result = inspect_upload(upload, max_pixels=MAX_PIXELS)

    assert (result.kind, result.content_type, result.extension) == ("svg", "image/svg+xml", "svg")
    assert (result.width, result.height) == (120, 80)
    assert result.sanitized is not None
    assert parse_svg(result.sanitized).tag == svg_tag("svg")
    assert upload.tell() == 0


def test_svg_with_bom_xml_declaration_and_comments_is_accepted():
    prolog = '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- Created with Inkscape -->\n  <!-- board -->\n'
    result = inspect_upload(io.BytesIO(svg_bytes(prolog=prolog)), max_pixels=MAX_PIXELS)

    assert result.kind == "svg"
    assert (result.width, result.height) == (120, 80)


def test_svg_with_prefixed_root_is_accepted():
    data = (
        b'<svg:svg xmlns:svg="http://www.w3.org/2000/svg" width="7" height="9">'
        b'<svg:rect width="1" height="1"/></svg:svg>'
    )

    result = inspect_upload(io.BytesIO(data), max_pixels=MAX_PIXELS)

    assert (result.kind, result.width, result.height) == ("svg", 7, 9)
    assert parse_svg(result.sanitized).find(svg_tag("rect")) is not None
