"""The dashboard page at / renders each printer and wires up its live script."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from conftest import PROJECT_ROOT

pytestmark = pytest.mark.django_db


def test_it_shows_a_card_per_enabled_printer(client):
    from status.tests.factories import make_printer

    make_printer("farm-2", name="Farm <two>")
    make_printer("retired", enabled=False)
    html = client.get("/").content.decode()
    assert 'data-printer="demo"' in html
    assert 'data-printer="farm-2"' in html
    assert "Farm &lt;two&gt;" in html  # names are escaped
    assert 'data-printer="retired"' not in html


def test_it_links_the_tools(client):
    html = client.get("/").content.decode()
    for link in ('href="/board-designer"', 'href="/api/docs/"', 'href="/admin/"'):
        assert link in html


def test_its_scripts_come_from_this_server_and_exist(client):
    html = client.get("/").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert "/static/js/dashboard.js" in sources
    assert "/static/vendor/uplot-1.6.32/uPlot.iife.min.js" in sources
    for source in sources:
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), source


def test_the_script_connects_to_the_status_socket_and_reconnects():
    script = Path(finders.find("js/dashboard.js")).read_text()
    assert 'data-ws-path="/ws/status"' in (PROJECT_ROOT / "templates" / "dashboard.html").read_text()
    assert "new WebSocket(" in script
    assert 'addEventListener("close"' in script
    assert "setTimeout(connect" in script
    assert "reconnecting" in script
    assert "/api/history/temperatures" in script
    assert "innerHTML" not in script
