from assets.tests.samples import parse_svg, sanitized_svg, svg_bytes, svg_tag, svg_with_script


def test_script_element_is_removed_and_the_drawing_kept():
    root = parse_svg(sanitized_svg(svg_with_script()))

    assert [el for el in root.iter() if "script" in str(el.tag).lower()] == []
    assert b"alert" not in sanitized_svg(svg_with_script())
    assert root.find(svg_tag("rect")) is not None
    assert root.find(svg_tag("circle")) is not None


def test_nested_and_cdata_scripts_are_removed():
    data = svg_bytes('<g><g><script><![CDATA[ fetch("/api/") ]]></script></g></g><text>Board</text>')

    output = sanitized_svg(data)

    assert b"script" not in output
    assert b"fetch" not in output
    assert parse_svg(output).find(f"{svg_tag('text')}").text == "Board"
