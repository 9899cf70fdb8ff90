"""The farm has no horizontal overflow from a 375 px phone to a 1920 px wall screen, in the light
and the dark theme, with long names, a print, an error and the bulk bar showing (measured in the
page). Screenshots of each (phone and wall, light and dark) are kept as test artifacts."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]

LONG_FILE = "benchy_with_supports_and_a_brim_0.2mm_PLA_Prusa_MK4_input_shaper_2h13m_final_v3.gcode"

# Everything that sticks out past the viewport's right edge (or makes the page scroll sideways).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const scrolled = document.documentElement.scrollWidth;
  if (scrolled > width) out.push(`page scrollWidth ${scrolled} > ${width}`);
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 0.5 || box.left < -0.5) {
      const name = `${element.tagName.toLowerCase()}.${element.className}`;
      out.push(`${name} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return out;
}"""


def test_the_farm_fits_from_375_to_1920_px_in_both_themes(farm_site):
    farm_site.start_print("alpha", LONG_FILE, layers=60, lines_per_layer=30)
    farm_site.printers["beta"].klippy_call(
        "standin/set_state",
        state="error",
        message="MCU 'mcu' shutdown: Timer too close. This often indicates the host computer is overloaded.",
    )
    farm_site.wait_state("beta", "error")
    for width, height in ((375, 812), (768, 1024), (1280, 800), (1920, 1080)):
        for scheme in ("light", "dark"):
            page = farm_site.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
            farm_site.open_farm(page=page)
            expect(page.locator('[data-printer="alpha"]')).to_have_attribute("data-state", "printing")
            expect(page.locator('[data-printer="beta"]')).to_have_attribute("data-state", "error")
            page.locator("#select-shown").click()
            expect(page.locator("#bulk")).to_be_visible()
            dark = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
            assert dark == (scheme == "dark")
            assert page.evaluate(OVERFLOW) == [], f"{width} px {scheme}"
            if width in (375, 1920):
                farm_site.screenshot(page, f"farm-{width}-{scheme}")
            if width == 1920:
                farm_site.open_farm("?wall=1", page=page)
                assert page.evaluate(OVERFLOW) == [], f"wall {scheme}"
                farm_site.screenshot(page, f"farm-wall-1920-{scheme}")
            page.context.close()
