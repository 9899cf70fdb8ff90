"""The allow-list keeps what a drawing program writes for the picture, and drops its editor data."""

from assets.tests.samples import XLINK_NS, parse_svg, sanitized_svg, svg_tag

DC = "http://purl.org/dc/elements/1.1/"
INKSCAPE_FILE = b"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<svg width="210mm" height="148mm" viewBox="0 0 210 148" version="1.1" id="svg8"
   inkscape:version="1.2 (dc2aedaf03, 2022-05-15)" sodipodi:docname="/home/anna/boards/octopus.svg"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:xlink="http://www.w3.org/1999/xlink" xmlns="http://www.w3.org/2000/svg"
   xmlns:svg="http://www.w3.org/2000/svg" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:cc="http://creativecommons.org/ns#" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <sodipodi:namedview id="base" pagecolor="#ffffff" inkscape:zoom="0.7" inkscape:window-width="1920"/>
  <defs id="defs2">
    <linearGradient inkscape:collect="always" id="lg1">
      <stop style="stop-color:#1a7f37;stop-opacity:1" offset="0" id="stop1"/>
      <stop style="stop-color:#0d3d1a;stop-opacity:1" offset="1" id="stop2"/>
    </linearGradient>
    <linearGradient xlink:href="#lg1" id="lg2" x1="0" y1="0" x2="210" y2="148" gradientUnits="userSpaceOnUse"/>
  </defs>
  <metadata id="metadata5">
    <rdf:RDF><cc:Work rdf:about=""><dc:format>image/svg+xml</dc:format>
      <dc:type rdf:resource="http://purl.org/dc/dcmitype/StillImage"/><dc:title>Octopus v1.1</dc:title>
    </cc:Work></rdf:RDF>
  </metadata>
  <g inkscape:label="Board" inkscape:groupmode="layer" id="layer1" transform="translate(0,-149)">
    <rect style="fill:url(#lg2);fill-opacity:1;stroke:#000000;stroke-width:0.264583" id="pcb"
       width="200" height="140" x="5" y="153" rx="3" ry="3"/>
    <path style="fill:none;stroke:#d4af37;stroke-width:0.5" d="m 20,170 h 40 v 10 z" id="trace"
       sodipodi:nodetypes="cccc"/>
    <text xml:space="preserve"
       style="font-size:6px;font-family:'DejaVu Sans';-inkscape-font-specification:'DejaVu Sans'"
       x="20" y="200" id="label"><tspan sodipodi:role="line" x="20" y="200" id="tspan1">MOTOR0</tspan></text>
    <image width="10" height="10" x="180" y="160" id="logo" preserveAspectRatio="none"
       xlink:href="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
       sodipodi:absref="/home/anna/logo.png"/>
  </g>
</svg>
"""


def test_the_drawing_stays_and_editor_data_goes():
    output = sanitized_svg(INKSCAPE_FILE)
    root = parse_svg(output)

    assert (root.get("viewBox"), root.get("width")) == ("0 0 210 148", "210mm")
    assert root.find(f".//{svg_tag('rect')}").get("style").startswith("fill:url(#lg2);")
    assert root.find(f".//{svg_tag('path')}").get("d") == "m 20,170 h 40 v 10 z"
    assert root.find(f".//{svg_tag('tspan')}").text == "MOTOR0"
    assert "DejaVu Sans" in root.find(f".//{svg_tag('text')}").get("style")
    assert root.find(f".//{svg_tag('image')}").get(f"{{{XLINK_NS}}}href").startswith("data:image/png;base64,")
    gradient = root.findall(f".//{svg_tag('linearGradient')}")[1]
    assert gradient.get(f"{{{XLINK_NS}}}href") == "#lg1"
    assert root.find(f".//{svg_tag('g')}").get("transform") == "translate(0,-149)"
    assert root.find(f".//{{{DC}}}title").text == "Octopus v1.1"
    # Editor state and the uploader's file paths are gone; metadata keeps text, not URIs.
    assert b"inkscape:" not in output
    assert b"sodipodi" not in output
    assert b"/home/anna" not in output
    assert b"dcmitype" not in output
