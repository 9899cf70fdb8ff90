"""The designer checks MCU pins with the rules GET /api/boards/pin-rules serves, and says so
when it cannot load them.

The designer keeps no copy of the rules: when the server serves other rules (here the
test answers the designer's request with changed ones), the designer follows them; when
the request fails, the page says that pins are not checked as you type and goes on working.
"""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from boards.tests.browser.conftest import get_json
from klipperiwc_site.tests.browser.layout import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PIN_RULES = "**/api/boards/pin-rules"


def add_connector_with_pin(page):
    page.get_by_test_id("add-connector").click()
    page.get_by_test_id("add-pin").click()
    value = page.get_by_test_id("pin-value").first
    error = page.get_by_test_id("pin-row").first.get_by_test_id("pin-error")
    return value, error


def open_designer(page, server):
    page.goto(f"{server.url}/board-designer")
    page.wait_for_function("() => window.boardDesigner !== undefined")


def test_the_designer_fetches_the_rules_and_flags_an_invalid_pin(server, chromium_page):
    page = chromium_page
    with page.expect_response(lambda response: response.url.endswith("/api/boards/pin-rules")) as answer:
        open_designer(page, server)
    assert answer.value.status == 200
    assert answer.value.headers["etag"]
    assert page.evaluate("() => window.boardDesigner.rulesLoaded")
    expect(page.get_by_test_id("rules-status")).to_be_hidden()
    family_options = page.get_by_test_id("board-mcu-family").locator("option").all_text_contents()
    assert family_options == list(get_json(f"{server.url}/api/boards/pin-rules")["families"])

    value, error = add_connector_with_pin(page)
    value.fill("PZ9")
    expect(error).to_have_text("PZ9 is not a stm32 pin name (PA0..PK15 or ADC_TEMPERATURE)")
    value.fill("PA1")
    expect(error).to_be_hidden()


def test_the_designer_follows_the_rules_the_server_serves(server, chromium_page):
    page = chromium_page
    with urllib.request.urlopen(f"{server.url}/api/boards/pin-rules", timeout=20) as response:
        rules = json.loads(response.read())
    # Other rules than boards/validation.py's: stm32 pins only on ports A..C, and the
    # stm32f103's only ADC pin is PB1.
    rules["families"]["stm32"].update(pin_pattern="^P[A-C](?:[0-9]|1[0-5])$", hint="PA0..PC15 in this test")
    rules["adc_pins"]["stm32f103"] = ["PB1"]
    served = []

    def answer(route):
        served.append(route.request.url)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(rules))

    page.route(PIN_RULES, answer)
    open_designer(page, server)
    assert served, "the designer did not ask the server for the pin rules"

    assert page.evaluate("() => window.boardDesigner.pinNameValid('stm32', 'PC15')")
    assert not page.evaluate("() => window.boardDesigner.pinNameValid('stm32', 'PD3')")  # valid for the real rules
    value, error = add_connector_with_pin(page)
    value.fill("PD3")
    expect(error).to_have_text("PD3 is not a stm32 pin name (PA0..PC15 in this test)")
    value.fill("PC3")
    expect(error).to_be_hidden()

    page.get_by_test_id("pin-function").first.select_option("thermistor_adc")
    value.fill("PA0")  # ADC-capable on a real STM32F103, not under the served table
    expect(error).to_have_text("thermistor on PA0, which is not an ADC pin of the stm32f103")
    value.fill("PB1")
    expect(error).to_be_hidden()


@pytest.mark.parametrize("failure", ["http-503", "network"])
def test_the_designer_says_when_it_cannot_load_the_rules(server, chromium_page, failure):
    page = chromium_page

    def refuse(route):
        if failure == "network":
            route.abort("connectionrefused")
        else:
            route.fulfill(status=503, content_type="application/json", body='{"detail": "down"}')

    page.route(PIN_RULES, refuse)
    open_designer(page, server)

    status = page.get_by_test_id("rules-status")
    expect(status).to_be_visible()
    expect(status).to_contain_text("Could not load the MCU pin rules")
    expect(status).to_contain_text("HTTP 503" if failure == "http-503" else "could not be reached")
    expect(status).to_contain_text("MCU pin names are not checked as you type")
    assert not page.evaluate("() => window.boardDesigner.rulesLoaded")
    screenshot(page, f"board-designer-rules-unavailable-{failure}")

    # The rest works: connectors and pins are edited, pins are not judged without rules,
    # and the schema's lists (which did load) fill the selects.
    value, error = add_connector_with_pin(page)
    value.fill("PZ9")
    expect(page.get_by_test_id("pin-value").first).to_have_value("PZ9")
    expect(error).to_be_hidden()
    kinds = page.get_by_test_id("connector-kind").locator("option").all_text_contents()
    assert "stepper" in kinds
    assert "thermistor" in kinds
    expect(page.get_by_test_id("connector-item")).to_have_count(1)
