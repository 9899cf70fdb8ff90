"""All text directly inside <style> (its text, CDATA, the text after each child) is one stylesheet, checked whole."""

import pytest

from assets.tests.samples import parse_svg, sanitized_svg, svg_bytes, svg_tag


@pytest.mark.parametrize(
    "style",
    [
        "<style>rect{fill:red}<g/>@import url(https://evil.example/a.css);</style>",
        "<style><desc>x</desc>rect{fill:url(https://evil.example/p.svg#p)}</style>",
        "<style>@imp<g/>ort url(https://evil.example/a.css);</style>",
        "<style>rect{fill:u<g/>rl(https://evil.example/p.svg#p)}</style>",
        "<style><![CDATA[rect{}]]><g/><![CDATA[@import 'https://evil.example/a.css';]]></style>",
    ],
)
def test_a_stylesheet_with_an_external_reference_anywhere_in_its_text_is_removed(style):
    output = sanitized_svg(svg_bytes(style))

    assert parse_svg(output).find(svg_tag("style")) is None
    assert b"evil.example" not in output
    assert b"@import" not in output


def test_child_elements_of_a_style_go_with_their_content():
    data = svg_bytes("<style>rect{}<x:y xmlns:x='urn:x'>@import url(https://evil.example/inner.css);</x:y></style>")

    output = sanitized_svg(data)

    assert parse_svg(output).find(svg_tag("style")).text == "rect{}"
    assert b"evil.example" not in output


def test_harmless_text_around_children_is_kept_as_one_stylesheet_without_the_children():
    data = svg_bytes(
        "<style>rect { fill: url(#grad) }<g><circle r='1'/></g> circle { stroke: #000 }"
        "<![CDATA[ text > tspan { fill: red } ]]><desc>d</desc></style>"
    )

    style = parse_svg(sanitized_svg(data)).find(svg_tag("style"))

    assert list(style) == []
    assert style.text == "rect { fill: url(#grad) } circle { stroke: #000 } text > tspan { fill: red } "


@pytest.mark.parametrize(
    "css",
    [
        "@media (max-width: 400px) { rect { stroke-width: 2 } }",
        "@supports (paint-order: stroke) { text { paint-order: stroke } }",
        "rect:not(.pad) { fill: rgb(10 20 30 / 50%); transform: rotate(45deg) }",
        ".pin { fill: url('#grad'); filter: drop-shadow(1px 1px 1px #000) }",
        "svg { --accent: #f80 } rect { stroke: var(--accent) }",
    ],
)
def test_harmless_stylesheets_are_kept_unchanged(css):
    style = parse_svg(sanitized_svg(svg_bytes(f"<style>{css}</style>"))).find(svg_tag("style"))

    assert style is not None
    assert style.text == css
