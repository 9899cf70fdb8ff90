"""Stored SVGs, served without the app's CSP, make Chromium contact no other origin and run no script.

Bypass attempts from assets/tests/svg_bypasses.py point at ``outside_world``
(another port). Each goes through the real upload API in daphne, is approved
as public, and is then opened from the plain web server behind
BOARD_ASSET_LOCAL_PUBLIC_URL: as a page of its own, in <iframe>, <object> and
<img>. Playwright records every request the browser makes.
"""

from __future__ import annotations

from html import escape

import pytest

from assets.tests.svg_bypasses import bypass_documents, wrap
from boards.tests.browser.conftest import approve_asset, upload_asset

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STYLE_PLACES = {
    "style-text",
    "tail-after-child",
    "tail-after-desc",
    "tail-after-nested-style",
    "split-across-a-child",
    "cdata-after-child",
    "char-references-in-tail",
    "in-nested-svg",
    "in-metadata",
    "xhtml-style",
    "xhtml-style-in-foreign-object",
}
# Opened as a page of their own as well (each page load waits for the network to be idle).
AS_PAGE = {
    "stylesheet/import-url/plain/tail-after-desc",
    "stylesheet/import-url/plain/split-across-a-child",
    "stylesheet/font-face/plain/cdata-after-child",
    "stylesheet/background/plain/xhtml-style",
    "link/absolute/image/href",
    "link/absolute/feImage/xlink-href",
    "active/script",
    "active/foreign-object-iframe",
    "active/xhtml-link-stylesheet",
    "active/image-onerror",
    "root-attribute/onload",
}


def chosen(name: str) -> bool:
    family, *rest = name.split("/")
    if family == "stylesheet":
        payload, disguise, place = rest
        if payload == "import-url" and place == "tail-after-desc":
            return True  # every disguise
        return payload in {"import-url", "font-face", "background", "mask-image"} and (
            disguise == "plain" and place in STYLE_PLACES
        )
    if family == "declaration":
        return rest[1] == "plain" and rest[2] == "style-attribute" and rest[0] in {"background", "mask", "fill"}
    if family == "presentation":
        return rest[1:] == ["plain", "rect"] and rest[0] in {"fill", "mask", "filter"}
    if family == "link":
        kind, element, attribute = rest
        return (
            kind in {"absolute", "protocol-relative", "char-references", "javascript"}
            and element in {"use", "image", "feImage"}
            and attribute in {"href", "xlink-href"}
        )
    return family in {"active", "root-attribute"}


def store_public(base_url: str, content: bytes, title: str) -> str:
    """Upload through the API and approve as public; the file's link."""
    asset = upload_asset(
        base_url, content, filename="board.svg", content_type="image/svg+xml", title=title, visibility="public"
    )
    return approve_asset(base_url, asset["id"])["file_url"]


def harness(kind: str, urls: list[str]) -> bytes:
    tags = {
        "iframe": '<iframe src="{}" width="120" height="80"></iframe>',
        "object": '<object data="{}" type="image/svg+xml" width="120" height="80"></object>',
        "img": '<img src="{}" width="120" height="80" alt="">',
    }[kind]
    body = "".join(tags.format(escape(url)) for url in urls)
    return f"<!doctype html><html><head><title>{kind}</title></head><body>{body}</body></html>".encode()


def scripts_that_ran(page) -> list[str]:
    """Frames in which a payload's script set window.__pwned."""
    return [frame.url for frame in page.frames if frame.evaluate("() => typeof window.__pwned") != "undefined"]


def open_and_record(browser, public_url: str, page_urls: list[str]) -> tuple[list[str], list[str]]:
    """Open each URL, wait for the network to go quiet; every request made, and frames where script ran."""
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.set_default_timeout(20_000)
    ran: list[str] = []
    try:
        for url in page_urls:
            page.goto(url, wait_until="networkidle")
            ran += scripts_that_ran(page)
    finally:
        context.close()
    return requests, ran


def test_stored_bypass_attempts_contact_no_other_origin_and_run_no_script(
    asset_server, public_file_server, outside_world, chromium_browser
):
    documents = [bypass for bypass in bypass_documents(outside_world.url) if chosen(bypass.name)]
    assert len(documents) > 80
    file_urls = {}
    for bypass in documents:
        # A title of its own, so no two attempts sanitise to the same bytes (a 409).
        head, _, tail = bypass.document.rpartition(b"</svg>")
        document = head + f"<title>{escape(bypass.name)}</title></svg>".encode() + tail
        url = store_public(asset_server.url, document, bypass.name[:200])
        assert url.startswith(public_file_server.url + "/"), url
        file_urls[bypass.name] = url
    for kind in ("iframe", "object", "img"):
        public_file_server.pages[f"/harness-{kind}.html"] = harness(kind, list(file_urls.values()))

    pages = [f"{public_file_server.url}/harness-{kind}.html" for kind in ("iframe", "object", "img")]
    pages += [file_urls[name] for name in sorted(AS_PAGE)]
    requests, ran = open_and_record(chromium_browser, public_file_server.url, pages)

    elsewhere = [url for url in requests if not url.startswith((public_file_server.url + "/", "data:"))]
    assert elsewhere == []
    assert outside_world.received == []
    assert ran == []
    # The browser did fetch every stored file (so the documents were really loaded).
    served = {path.rsplit("/", 1)[-1] for path in public_file_server.received}
    assert {url.rsplit("/", 1)[-1] for url in file_urls.values()} <= served


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<style><desc>note</desc>@import url({T}/import-url.css);</style>", "/import-url.css"),
        ("<style>@imp<g/>ort url({T}/import-url.css);</style>", "/import-url.css"),
        ("<script>fetch('{T}/script')</script>", "/script"),
    ],
    ids=["import after a child", "import split across a child", "script"],
)
def test_the_same_check_sees_an_unsanitised_file_leak(
    public_file_server, outside_world, chromium_browser, body, expected
):
    """The harness is not blind: the raw upload, stored as is, does reach the other origin."""
    raw = wrap(body.replace("{T}", outside_world.url))
    (public_file_server.folder / "raw.svg").write_bytes(raw)

    requests, _ = open_and_record(chromium_browser, public_file_server.url, [f"{public_file_server.url}/raw.svg"])

    assert outside_world.received_one.wait(10)
    assert expected in outside_world.received
    assert f"{outside_world.url}{expected}" in requests
