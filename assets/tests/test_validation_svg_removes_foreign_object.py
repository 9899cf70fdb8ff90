from assets.tests.samples import SVG_NS, parse_svg, sanitized_svg, svg_bytes, svg_tag, svg_with_foreign_object


def test_foreign_object_and_its_html_are_removed():
    output = sanitized_svg(svg_with_foreign_object())
    root = parse_svg(output)

    assert b"foreignObject" not in output
    assert b"iframe" not in output
    assert b"evil.example" not in output
    assert root.find(svg_tag("rect")) is not None


def test_embedding_elements_and_non_svg_elements_are_removed():
    data = svg_bytes(
        '<iframe src="https://evil.example/"/><embed src="x.swf"/><object data="x.pdf"/>'
        '<handler type="application/ecmascript">alert(1)</handler>'
        '<ev:listener xmlns:ev="http://www.w3.org/2001/xml-events" event="click" handler="#h"/>'
        '<h:div xmlns:h="http://www.w3.org/1999/xhtml"><h:img src="x" /></h:div>'
        '<g><circle r="2"/></g>'
    )

    root = parse_svg(sanitized_svg(data))

    tags = {el.tag for el in root.iter()}
    assert tags == {svg_tag("svg"), svg_tag("rect"), svg_tag("g"), svg_tag("circle")}
    assert all(tag.startswith(f"{{{SVG_NS}}}") for tag in tags)


def test_editor_metadata_is_kept():
    data = svg_bytes(
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Octopus</dc:title></rdf:RDF></metadata>'
    )

    root = parse_svg(sanitized_svg(data))

    assert root.find(".//{http://purl.org/dc/elements/1.1/}title").text == "Octopus"
