"""A card shows the printing file's thumbnail, served by this server (never fetched by the browser
from the printer), and shows none for a file without one."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from control.tests.thumbnails import png_bytes, thumbnail_block
from scripts.moonraker_instance import slicer_gcode

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_a_printing_card_shows_the_files_thumbnail(farm_site):
    alpha, beta = farm_site.printers["alpha"], farm_site.printers["beta"]
    print_text = slicer_gcode(layers=60, lines_per_layer=30, estimated_seconds=120)
    header, _, rest = print_text.partition(";\n")
    alpha.put_gcode("pictured.gcode", header + ";\n" + thumbnail_block(png_bytes(32, 32), 32, 32) + rest)
    alpha.wait_metadata("pictured.gcode")
    alpha.result("POST", "/printer/print/start", filename="pictured.gcode")
    farm_site.start_print("beta", "plain.gcode", layers=60, lines_per_layer=30)
    status = farm_site.wait_status(
        "alpha", lambda s: (s["active_job"] or {}).get("thumbnail_url"), what="alpha's job with a thumbnail"
    )

    page = farm_site.page
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    farm_site.open_farm()
    thumb = page.locator('[data-printer="alpha"] [data-field=thumbnail]')
    expect(thumb).to_be_visible()
    assert thumb.get_attribute("src") == status["active_job"]["thumbnail_url"]
    assert thumb.get_attribute("loading") == "lazy"
    page.wait_for_function("(img) => img.complete && img.naturalWidth === 32", arg=thumb.element_handle())
    expect(page.locator('[data-printer="beta"] [data-field=thumbnail]')).to_be_hidden()
    own = urlsplit(farm_site.url).netloc
    printers = {urlsplit(instance.url).netloc for instance in (alpha, beta)}
    assert not [url for url in asked if urlsplit(url).netloc in printers]
    assert all(urlsplit(url).netloc == own for url in asked if url.startswith("http"))
