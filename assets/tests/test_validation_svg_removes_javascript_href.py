import pytest

from assets.tests.samples import all_hrefs, parse_svg, sanitized_svg, svg_bytes, svg_tag

VARIANTS = {
    "plain": "javascript:alert(1)",
    "mixed case": "JaVaScRiPt:alert(1)",
    "leading space": "  javascript:alert(1)",
    "tab inside": "java\tscript:alert(1)",
    "newline inside": "java\nscript:alert(1)",
    "tab entity": "java&#x09;script:alert(1)",
    "newline entity": "java&#10;script:alert(1)",
    "decimal entity": "&#106;avascript:alert(1)",
    "hex entity": "&#x6A;avascript:alert(1)",
    "vbscript": "vbscript:msgbox(1)",
    "data html": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
}


@pytest.mark.parametrize("attribute", ["href", "xlink:href"])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_script_url_in_a_link_is_removed(name, attribute):
    data = svg_bytes(f'<a {attribute}="{VARIANTS[name]}"><text>click</text></a>')

    root = parse_svg(sanitized_svg(data))

    assert all_hrefs(root) == []
    link = root.find(svg_tag("a"))
    assert link is not None  # the link element and its text stay, only the target goes
    assert link.find(svg_tag("text")).text == "click"
