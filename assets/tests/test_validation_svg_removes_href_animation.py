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


@pytest.mark.parametrize("element", ["set", "animate", "animateTransform", "animateMotion", "animateColor"])
def test_every_animation_is_removed_static_svg_only(element):
    """Animation could rewrite an attribute after it was checked; board pictures are static."""
    data = svg_bytes(f'<circle r="2"><{element} attributeName="r" from="2" to="4" dur="1s"/></circle>')

    circle = parse_svg(sanitized_svg(data)).find(svg_tag("circle"))

    assert list(circle) == []
    assert circle.get("r") == "2"


def test_animation_to_an_external_paint_loses_the_value():
    data = svg_bytes('<circle r="2"><set attributeName="fill" to="url(https://evil.example/p.svg#p)"/></circle>')

    output = sanitized_svg(data)

    assert b"evil.example" not in output
