from assets.tests.samples import XLINK_NS, parse_svg, sanitized_svg, svg_bytes, svg_tag


def test_local_fragment_references_are_kept():
    data = svg_bytes(
        '<defs><linearGradient id="grad"><stop offset="0" stop-color="red"/></linearGradient>'
        '<circle id="pin" r="2"/></defs>'
        '<use href="#pin" x="5"/><use xlink:href="#pin" x="9"/>'
        '<a href="#board"><text>to board</text></a>'
        '<rect width="5" height="5" fill="url(#grad)" style="stroke: url(&quot;#grad&quot;)"/>'
    )

    root = parse_svg(sanitized_svg(data))

    uses = root.findall(svg_tag("use"))
    assert [use.get("href") or use.get(f"{{{XLINK_NS}}}href") for use in uses] == ["#pin", "#pin"]
    assert root.find(svg_tag("a")).get("href") == "#board"
    painted = root.findall(svg_tag("rect"))[-1]
    assert painted.get("fill") == "url(#grad)"
    assert painted.get("style") == 'stroke: url("#grad")'
