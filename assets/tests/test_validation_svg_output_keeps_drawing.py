from assets.tests.samples import XLINK_NS, parse_svg, sanitized_svg, svg_bytes, svg_tag, svg_with_script


def test_sanitized_output_is_a_normal_svg_document():
    output = sanitized_svg(svg_bytes('<use xlink:href="#board" x="3"/>'))

    assert output.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    assert b"ns0:" not in output
    assert b'xmlns:xlink="http://www.w3.org/1999/xlink"' in output
    assert b'xlink:href="#board"' in output
    assert parse_svg(output).find(svg_tag("use")).get(f"{{{XLINK_NS}}}href") == "#board"


def test_sanitized_output_keeps_the_drawing():
    root = parse_svg(sanitized_svg(svg_with_script()))

    rect = root.find(svg_tag("rect"))
    assert rect.attrib == {
        "id": "board",
        "x": "10",
        "y": "5",
        "width": "100",
        "height": "70",
        "fill": "#336699",
        "stroke": "black",
    }
    assert (root.get("width"), root.get("height")) == ("120", "80")


def test_text_around_removed_elements_is_kept_and_comments_dropped():
    data = svg_bytes("<text>Pin <script>x()</script>PA1<!-- note --> <tspan>out</tspan></text>")

    text = parse_svg(sanitized_svg(data)).find(svg_tag("text"))

    assert "".join(text.itertext()) == "Pin PA1 out"
    assert b"note" not in sanitized_svg(data)


def test_sanitizing_is_idempotent():
    once = sanitized_svg(svg_with_script())

    assert sanitized_svg(once) == once
