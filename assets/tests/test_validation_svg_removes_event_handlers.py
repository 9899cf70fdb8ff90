from assets.tests.samples import all_attribute_values, parse_svg, sanitized_svg, svg_bytes, svg_with_onload


def test_onload_on_the_root_is_removed():
    root = parse_svg(sanitized_svg(svg_with_onload()))

    assert "onload" not in root.attrib
    assert (root.get("width"), root.get("height")) == ("120", "80")


def test_every_on_attribute_is_removed_whatever_its_case_or_namespace():
    data = svg_bytes(
        '<g onclick="alert(1)"><circle r="3" ONMOUSEOVER="alert(2)" onFocusIn="alert(3)"'
        ' xmlns:ev="http://www.w3.org/2001/xml-events" ev:onactivate="alert(4)"/></g>'
    )

    root = parse_svg(sanitized_svg(data))

    names = [name.rpartition("}")[2].lower() for el in root.iter() for name in el.attrib]
    assert not [name for name in names if name.startswith("on")]
    assert not [value for value in all_attribute_values(root) if "alert" in value]
    assert "r" in names  # ordinary attributes stay
