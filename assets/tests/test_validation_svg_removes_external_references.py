import base64

from assets.tests.samples import XLINK_NS, all_hrefs, parse_svg, png_bytes, sanitized_svg, svg_bytes, svg_tag


def test_external_use_and_image_references_are_removed():
    data = svg_bytes(
        '<use href="https://evil.example/x.svg#a"/>'
        '<use xlink:href="//evil.example/y.svg#b"/>'
        '<image href="http://evil.example/track.png" width="10" height="10"/>'
        '<image xlink:href="file:///etc/passwd" width="10" height="10"/>'
        '<image href="board.png" width="10" height="10"/>'
        '<filter id="f"><feImage href="https://evil.example/z.png"/></filter>'
    )

    output = sanitized_svg(data)
    root = parse_svg(output)

    assert all_hrefs(root) == []
    assert b"evil.example" not in output
    assert b"passwd" not in output
    assert len(root.findall(svg_tag("use"))) == 2  # the elements stay, inert
    assert len(root.findall(svg_tag("image"))) == 3


def test_xml_base_is_removed():
    data = svg_bytes('<g xml:base="https://evil.example/"><use href="#board"/></g>')

    root = parse_svg(sanitized_svg(data))

    assert not [el for el in root.iter() if "{http://www.w3.org/XML/1998/namespace}base" in el.attrib]
    assert all_hrefs(root) == ["#board"]


def test_data_urls_are_kept_only_for_raster_images_on_image_elements():
    png = "data:image/png;base64," + base64.b64encode(png_bytes(1, 1)).decode()
    data = svg_bytes(
        f'<image id="ok" href="{png}" width="1" height="1"/>'
        f'<image id="wrapped" xlink:href="data:image/jpeg;base64,\n  /9j/4AAQ" width="1" height="1"/>'
        '<image id="svg" href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" width="1" height="1"/>'
        '<image id="html" href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;" width="1" height="1"/>'
        f'<use id="use" href="{png}"/>'
    )

    root = parse_svg(sanitized_svg(data))

    hrefs = {
        el.get("id"): el.get("href") or el.get(f"{{{XLINK_NS}}}href")
        for el in root.iter()
        if el.tag in (svg_tag("image"), svg_tag("use"))
    }
    wrapped = "data:image/jpeg;base64,   /9j/4AAQ"  # the parser turns the newline into a space
    assert hrefs == {"ok": png, "wrapped": wrapped, "svg": None, "html": None, "use": None}
