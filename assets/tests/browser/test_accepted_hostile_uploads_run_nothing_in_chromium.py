"""Every upload of the abuse corpus that is accepted runs no script and contacts no other origin in Chromium.

Each file of assets/tests/abuse_corpus.py that the API accepts (sanitised
SVGs, images carrying HTML in a chunk or comment, hostile file names) goes
through the real upload API in daphne and is approved as public. Then
Chromium opens every one both ways a visitor can meet it: from the plain web
server behind BOARD_ASSET_LOCAL_PUBLIC_URL (no CSP, no nosniff: the stored
bytes and a Content-Type by extension) in <iframe>, <object> and <img> and a
few as pages of their own, and from the app's file endpoint in <iframe> and
as pages. Every request the browser makes is recorded; ``outside_world``
(another port) must receive none, and no frame may have run a payload's
script (they set window.__pwned).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from html import escape

import pytest

from assets.tests import abuse_corpus
from assets.tests.svg_bypasses import wrap
from boards.tests.browser.conftest import approve_asset, upload_asset

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Opened as pages of their own as well (each page load waits for the network to be idle).
AS_PAGE = {
    "svg/stylesheet/import-url/plain/tail-after-desc",
    "svg/stylesheet/font-face/plain/cdata-after-child",
    "svg/style/custom-property",
    "svg/link/absolute/feImage/xlink-href",
    "svg/active/script",
    "svg/active/foreign-object-iframe",
    "svg/root-attribute/onload",
    "png/html-in-a-text-chunk",
    "jpeg/html-in-a-comment",
}


def harness(kind: str, urls: list[str]) -> bytes:
    tags = {
        "iframe": '<iframe src="{}" width="120" height="80"></iframe>',
        "object": '<object data="{}" width="120" height="80"></object>',
        "img": '<img src="{}" width="120" height="80" alt="">',
    }[kind]
    body = "".join(tags.format(escape(url)) for url in urls)
    return f"<!doctype html><html><head><title>{kind}</title></head><body>{body}</body></html>".encode()


def scripts_that_ran(page) -> list[str]:
    """Frames in which a payload's script set window.__pwned."""
    return [frame.url for frame in page.frames if frame.evaluate("() => typeof window.__pwned") != "undefined"]


def open_and_record(browser, page_urls: list[str]) -> tuple[list[str], list[str]]:
    """Open each URL, wait for the network to go quiet; every request made, and frames where script ran."""
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.set_default_timeout(30_000)
    ran: list[str] = []
    try:
        for url in page_urls:
            page.goto(url, wait_until="networkidle")
            ran += scripts_that_ran(page)
    finally:
        context.close()
    return requests, ran


def test_accepted_hostile_uploads_contact_no_other_origin_and_run_no_script(
    asset_server, public_file_server, outside_world, chromium_browser, tmp_path
):
    accepted = [entry for entry in abuse_corpus.build(tmp_path / "corpus", outside_world.url) if entry.accepted]
    assert len(accepted) > 150

    def store_public(entry: abuse_corpus.Hostile) -> tuple[str, str]:
        """Upload through the API and approve as public; the file's public link and its link to the app."""
        assert entry.path is not None, "build() writes every entry"
        asset = upload_asset(
            asset_server.url,
            entry.path.read_bytes(),
            filename=entry.filename,
            content_type="application/octet-stream",
            visibility="public",
        )
        public_url = approve_asset(asset_server.url, asset["id"])["file_url"]
        return public_url, f"{asset_server.url}/api/board-assets/{asset['id']}/file"

    # A few at a time, as several uploaders would (each upload still gets a checker child of its own).
    with ThreadPoolExecutor(max_workers=4) as pool:
        links = dict(zip((entry.name for entry in accepted), pool.map(store_public, accepted), strict=True))
    public_urls = {name: public for name, (public, _app) in links.items()}
    app_urls = {name: app for name, (_public, app) in links.items()}
    assert all(url.startswith(public_file_server.url + "/") for url in public_urls.values()), public_urls
    for kind in ("iframe", "object", "img"):
        public_file_server.pages[f"/harness-{kind}.html"] = harness(kind, list(public_urls.values()))
    public_file_server.pages["/harness-app.html"] = harness("iframe", list(app_urls.values()))

    pages = [f"{public_file_server.url}/harness-{kind}.html" for kind in ("iframe", "object", "img", "app")]
    pages += [public_urls[name] for name in sorted(AS_PAGE)]
    pages += [app_urls[name] for name in sorted(AS_PAGE)]
    requests, ran = open_and_record(chromium_browser, pages)

    allowed = (public_file_server.url + "/", asset_server.url + "/", "data:")
    elsewhere = [url for url in requests if not url.startswith(allowed)]
    assert elsewhere == []
    assert outside_world.received == []
    assert ran == []
    # The browser did fetch every stored file, both ways (so the documents were really loaded).
    served = {path.rsplit("/", 1)[-1] for path in public_file_server.received}
    assert {url.rsplit("/", 1)[-1] for url in public_urls.values()} <= served
    assert set(app_urls.values()) <= set(requests)


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

    requests, _ = open_and_record(chromium_browser, [f"{public_file_server.url}/raw.svg"])

    assert outside_world.received_one.wait(10)
    assert expected in outside_world.received
    assert f"{outside_world.url}{expected}" in requests
