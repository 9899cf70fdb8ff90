import pytest

from assets.tests.samples import parse_svg, sanitized_svg, svg_bytes, svg_tag


@pytest.mark.parametrize(
    "animation",
    [
        '<set attributeName="href" to="javascript:alert(1)"/>',
        '<set attributeName="xlink:href" to="javascript:alert(1)"/>',
        '<animate attributeName=" HREF " values="javascript:alert(1)"/>',
        '<set attributeName="onclick" to="alert(1)"/>',
        '<animate attributeName="onmouseover" values="alert(1)"/>',
    ],
)
def test_animation_of_links_or_handlers_is_removed(animation):
    data = svg_bytes(f'<a href="#board">{animation}<text>x</text></a>')

    output = sanitized_svg(data)
    link = parse_svg(output).find(svg_tag("a"))

    assert link.find(svg_tag("set")) is None
    assert link.find(svg_tag("animate")) is None
    assert b"alert" not in output
    assert link.get("href") == "#board"


def test_ordinary_animation_is_kept():
    data = svg_bytes('<circle r="2"><animate attributeName="r" from="2" to="4" dur="1s"/></circle>')

    animate = parse_svg(sanitized_svg(data)).find(f"{svg_tag('circle')}/{svg_tag('animate')}")

    assert animate is not None
    assert animate.get("attributeName") == "r"


def test_animation_to_an_external_paint_loses_the_value():
    data = svg_bytes('<circle r="2"><set attributeName="fill" to="url(https://evil.example/p.svg#p)"/></circle>')

    output = sanitized_svg(data)

    assert b"evil.example" not in output
