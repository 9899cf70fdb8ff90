import pytest

from assets.tests.samples import parse_svg, sanitized_svg, svg_bytes, svg_tag

DANGEROUS = [
    "fill: url(https://evil.example/p.svg#p)",
    "fill: url( 'http://evil.example/p.svg#p' )",
    "fill: URL(//evil.example/p)",
    "fill: \\75 rl(https://evil.example/p)",  # CSS escape for "u"
    "background: url(javascript:alert(1))",
    "behavior: expression(alert(1))",
    "background-image: image-set('https://evil.example/a.png' 1x)",
    "fill: red; cursor: url(data:image/svg+xml,x)",
]


@pytest.mark.parametrize("css", DANGEROUS)
def test_dangerous_style_attribute_is_removed(css):
    data = svg_bytes(f'<circle r="3" style="{css}" stroke="red"/>')

    circle = parse_svg(sanitized_svg(data)).find(svg_tag("circle"))

    assert "style" not in circle.attrib
    assert circle.get("stroke") == "red"


@pytest.mark.parametrize(
    "css",
    [
        "@import url(https://evil.example/a.css);",
        '@import "https://evil.example/a.css";',
        "@im\\70 ort 'https://evil.example/a.css';",
        "rect { fill: url(https://evil.example/p.svg#p) }",
        "@font-face { font-family: x; src: url(https://evil.example/font.woff) }",
        "rect { background: url('javascript:alert(1)') }",
    ],
)
def test_dangerous_style_element_is_removed(css):
    data = svg_bytes(f"<style>{css}</style>")

    output = sanitized_svg(data)

    assert parse_svg(output).find(svg_tag("style")) is None
    assert b"evil.example" not in output
    assert b"javascript" not in output


def test_harmless_css_is_kept():
    data = svg_bytes(
        '<style>rect { fill: url(#grad); stroke: #000 }</style><circle r="1" style="fill: url( #grad ); opacity: .5"/>'
    )

    root = parse_svg(sanitized_svg(data))

    assert root.find(svg_tag("style")).text == "rect { fill: url(#grad); stroke: #000 }"
    assert root.find(svg_tag("circle")).get("style") == "fill: url( #grad ); opacity: .5"


@pytest.mark.parametrize("attribute", ["fill", "filter", "mask", "clip-path", "marker-start"])
def test_presentation_attribute_with_external_url_is_removed(attribute):
    data = svg_bytes(f'<path d="M0 0L1 1" {attribute}="url(https://evil.example/x.svg#a)"/>')

    path = parse_svg(sanitized_svg(data)).find(svg_tag("path"))

    assert attribute not in path.attrib
    assert path.get("d") == "M0 0L1 1"
