"""The farm page at / and a printer's page at /printers/<slug>, as the server renders them."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_it_hands_every_enabled_printer_to_the_page_as_json(client):
    from status.tests.factories import make_printer

    make_printer("farm-2", name="Farm <two>", tags=["floor-2"])
    make_printer("retired", enabled=False)
    html = client.get("/").content.decode()
    data = json.loads(re.search(r'<script id="farm-printers" type="application/json">(.*?)</script>', html, re.S)[1])
    by_slug = {printer["slug"]: printer for printer in data}
    assert set(by_slug) == {"demo", "farm-2"}
    assert by_slug["farm-2"]["name"] == "Farm <two>"
    assert by_slug["farm-2"]["tags"] == ["floor-2"]
    assert "Farm <two>" not in html  # json_script escapes < and >


def test_it_has_one_navigation_with_the_boards_the_designers_and_a_favicon(client):
    html = client.get("/").content.decode()
    assert html.count('<nav class="site-nav"') == 1
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)[0]
    assert re.findall(r'href="([^"]+)"', nav) == [
        "/",
        "/boards",
        "/board-designer",
        "/printer-designer",
        "/api/docs/",
        "/admin/",
    ]
    for link in (
        'href="/boards"',
        'href="/board-designer"',
        'href="/printer-designer"',
        'href="/api/docs/"',
        'href="/admin/"',
    ):
        assert html.count(link) == 1, link  # nowhere else: the old page listed them twice
    assert re.search(r'<link rel="icon" href="/static/favicon.svg"', html)


def test_its_scripts_and_styles_come_from_this_server_and_exist(client):
    html = client.get("/").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert "/static/js/farm/main.js" in sources
    assert "/static/css/farm.css" in sources
    for source in sources:
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), source


def test_its_modules_import_only_modules_that_exist_and_never_parse_html():
    for name in (
        "farm/main.js",
        "farm/card.js",
        "farm/bulk.js",
        "farm/view.js",
        "lib/api.js",
        "lib/ws.js",
        "lib/format.js",
        "lib/dom.js",
        "lib/theme.js",
    ):
        path = finders.find(f"js/{name}")
        assert path, name
        text = Path(path).read_text(encoding="utf-8")
        assert "innerHTML" not in text, name
        assert "insertAdjacentHTML" not in text, name
        for imported in re.findall(r'from "(\.[^"]+)"', text):
            target = (f"js/{name}".rsplit("/", 1)[0] + "/" + imported).replace("/./", "/")
            while "/../" in target:
                target = re.sub(r"[^/]+/\.\./", "", target, count=1)
            assert finders.find(target), f"{name} imports {imported}"


def test_wall_mode_is_there_from_the_first_paint(client):
    html = client.get("/?wall=1&tag=floor-2").content.decode()
    assert '<html lang="en" class="wall">' in html
    assert re.search(r'<body class="[^"]*\bwall\b', html)


def test_a_printer_page_is_served_and_an_unknown_slug_is_404(client):
    assert client.get("/printers/demo").status_code == 200
    response = client.get("/printers/no-such-printer")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
