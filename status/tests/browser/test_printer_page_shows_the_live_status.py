"""The printer page shows the live status: state, job with thumbnail, progress, layer, elapsed and ETA,
every heater and sensor with its target, fans, toolhead; a change on the printer reaches the page."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from control.tests.thumbnails import png_bytes, thumbnail_block
from scripts.moonraker_instance import slicer_gcode

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_the_page_shows_the_live_status(farm_site):
    site = farm_site
    alpha = site.printers["alpha"]
    text = slicer_gcode(layers=60, lines_per_layer=30, estimated_seconds=300)
    header, _, rest = text.partition(";\n")
    alpha.put_gcode("pictured.gcode", header + ";\n" + thumbnail_block(png_bytes(32, 32), 32, 32) + rest)
    alpha.wait_metadata("pictured.gcode")
    alpha.result("POST", "/printer/gcode/script", script="M140 S55")
    alpha.result("POST", "/printer/print/start", filename="pictured.gcode")
    status = site.wait_status(
        "alpha",
        lambda s: (s["active_job"] or {}).get("thumbnail_url") and (s["active_job"] or {}).get("current_layer"),
        what="alpha printing with a thumbnail and a layer",
    )

    page = site.page
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{site.url}/printers/alpha")
    expect(page.get_by_test_id("socket-state")).to_have_text("live")
    expect(page.get_by_test_id("state")).to_have_text("printing")
    expect(page.get_by_test_id("job-name")).to_have_text("pictured.gcode (running)")
    expect(page.get_by_test_id("progress")).to_have_text(re.compile(r"^\d+\.\d %$"))
    expect(page.get_by_test_id("layer")).to_have_text(re.compile(r"^\d+ / 60$"))
    expect(page.get_by_test_id("elapsed")).to_have_text(re.compile(r"^\d+ (s|min)$"))
    # The ETA as a 24 h clock time and how long until then.
    expect(page.get_by_test_id("eta")).to_have_text(re.compile(r"^\d{2}:\d{2} \((in \d+ (s|min|h)( \d+ min)?|now)\)$"))
    thumb = page.get_by_test_id("thumbnail")
    expect(thumb).to_be_visible()
    assert thumb.get_attribute("src") == status["active_job"]["thumbnail_url"]
    page.wait_for_function("(img) => img.complete && img.naturalWidth === 32", arg=thumb.element_handle())

    heaters = page.get_by_test_id("heaters")
    expect(heaters.locator("tr[data-component=extruder] [data-testid=heater-value]")).to_have_text(
        re.compile(r"^\d+\.\d °C$")
    )
    expect(heaters.locator("tr[data-component=heater_bed] [data-testid=heater-value]")).to_have_text(
        re.compile(r"^\d+\.\d / 55 °C$")
    )
    expect(heaters.locator('tr[data-component="temperature_sensor chamber"] th')).to_have_text("chamber")
    fans = page.get_by_test_id("fans")
    expect(fans.locator("li[data-fan=fan]")).to_contain_text("%")
    expect(page.get_by_test_id("toolhead")).to_have_text(re.compile(r"^X \d+\.\d\d  Y \d+\.\d\d  Z \d+\.\d\d · "))
    expect(page.get_by_test_id("connection-problem")).to_be_hidden()

    # A change on the printer reaches the page live.
    alpha.result("POST", "/printer/gcode/script", script="M104 S190")
    expect(heaters.locator("tr[data-component=extruder] [data-testid=heater-value]")).to_have_text(
        re.compile(r"^\d+\.\d / 190 °C$"), timeout=3000
    )
    alpha.result("POST", "/printer/gcode/script", script="M106 S128")
    expect(fans.locator("li[data-fan=fan]")).to_contain_text("50.2 %", timeout=3000)
    # Everything came from this server; the browser never asked a printer.
    printers = {urlsplit(instance.url).netloc for instance in site.printers.values()}
    assert not [url for url in asked if urlsplit(url).netloc in printers]


def test_the_page_names_a_connection_problem(farm_site):
    site = farm_site
    page = site.page
    page.goto(f"{site.url}/printers/beta")
    expect(page.get_by_test_id("state")).to_have_text("idle")
    site.printers["beta"].kill_moonraker()
    problem = page.get_by_test_id("connection-problem")
    expect(problem).to_be_visible(timeout=20_000)
    expect(problem).to_have_text(re.compile(r"^Connection: unreachable: .+ \(since \d{2}:\d{2}\)$"))
    expect(page.get_by_test_id("state")).to_have_text("offline", timeout=30_000)
