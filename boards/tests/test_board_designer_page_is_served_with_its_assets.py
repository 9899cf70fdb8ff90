"""The designer page and its static files come from the app itself (no CDN)."""

import re

import pytest


@pytest.mark.django_db
def test_the_page_loads_its_own_script_and_style(client):
    response = client.get("/board-designer")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert any(source.endswith("js/board_designer/main.js") for source in sources)
    assert re.search(r'<script type="module" src="[^"]*js/board_designer/main\.js"', html)
    assert any(source.endswith("css/board_designer.css") for source in sources)
    assert not [source for source in sources if source.startswith(("http:", "https:", "//"))]
