"""Each printer state reaches its card as a colour and a word: idle, printing, paused (a real
print on Moonraker), error (klippy reports an error) and offline (Moonraker gone, with the
connection problem named), and the summary line counts it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]

# The colour the card's top border has, and the one its state's variable names.
COLOURS = """(slug) => {
  const card = document.querySelector(`[data-printer="${slug}"]`);
  const probe = document.createElement("span");
  probe.style.color = `var(--state-${card.dataset.state})`;
  document.body.append(probe);
  const wanted = getComputedStyle(probe).color;
  probe.remove();
  return [getComputedStyle(card).borderTopColor, wanted];
}"""


def shows(page, slug: str, state: str, *, timeout: float = 15_000) -> None:
    card = page.locator(f'[data-printer="{slug}"]')
    expect(card).to_have_attribute("data-state", state, timeout=timeout)
    expect(card.locator("[data-field=state]")).to_have_text(state)
    border, wanted = page.evaluate(COLOURS, slug)
    assert border == wanted, f"{slug} {state}: border {border}, --state-{state} is {wanted}"
    count = page.locator(f'[data-summary="{state}"] [data-count]')
    assert int(count.inner_text()) >= 1


def test_every_state_shows_on_its_card(farm_site):
    page = farm_site.open_farm()
    alpha, beta = farm_site.printers["alpha"], farm_site.printers["beta"]
    shows(page, "alpha", "idle")
    shows(page, "beta", "idle")
    expect(page.locator('[data-summary="idle"] [data-count]')).to_have_text("2")

    farm_site.start_print("alpha", "long.gcode", layers=40, lines_per_layer=30)
    shows(page, "alpha", "printing")
    alpha_card = page.locator('[data-printer="alpha"]')
    expect(alpha_card.locator("h2 a")).to_have_attribute("href", "/printers/alpha")
    expect(alpha_card.locator("[data-field=file]")).to_have_text("long.gcode")
    expect(alpha_card.locator("[data-field=progress]")).to_have_text(re.compile(r"^\d+\.\d %$"))
    expect(alpha_card.locator("[data-field=layer]")).to_have_text(re.compile(r"^Layer \d+ / 40$"))
    expect(alpha_card.locator("[data-field=elapsed]")).to_have_text(re.compile(r"^Elapsed \d+ (s|min)$"))
    # ETA as a 24 h clock time and as a duration from now.
    expect(alpha_card.locator("[data-field=eta]")).to_have_text(re.compile(r"^ETA \d\d:\d\d \((in \d+ (s|min)|now)\)$"))

    # Heaters with their targets.
    beta.result("POST", "/printer/gcode/script", script="M104 S210")
    extruder = page.locator('[data-printer="beta"] [data-component="extruder"]')
    expect(extruder).to_contain_text(re.compile(r"\d+\.\d / 210 °C"))

    alpha.result("POST", "/printer/print/pause")
    shows(page, "alpha", "paused")
    expect(page.locator('[data-summary="paused"] [data-count]')).to_have_text("1")

    beta.klippy_call("standin/set_state", state="error", message="MCU 'mcu' shutdown: Timer too close")
    shows(page, "beta", "error")
    beta_card = page.locator('[data-printer="beta"]')
    expect(beta_card).to_contain_text("Timer too close")  # the message, or the connection problem naming it

    beta.kill_moonraker()
    shows(page, "beta", "offline", timeout=30_000)
    problem = beta_card.locator("[data-field=connection]")
    expect(problem).to_have_attribute("data-connection", "unreachable", timeout=30_000)
    expect(problem).to_contain_text("Unreachable: ")
    expect(page.locator('[data-summary="offline"] [data-count]')).to_have_text("1")
    expect(page.locator('[data-summary="error"] [data-count]')).to_have_text("0")
    # Through all of it the socket stayed up.
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
