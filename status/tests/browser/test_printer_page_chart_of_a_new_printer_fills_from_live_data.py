"""A printer added a moment ago has no history: its live chart fills from the statuses as they arrive."""

import re
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from conftest import PROJECT_ROOT
from status.tests.browser.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_a_new_printers_chart_fills_from_live_data(farm_site, moonraker_printer):
    site = farm_site
    beta = moonraker_printer()
    # A third printer, added now: nothing recorded for it yet.
    code = (
        "from status.models import Printer\n"
        f"Printer.objects.create(slug='gamma', name='Gamma', source_kind='moonraker', moonraker_url={beta.url!r},"
        f" api_key={beta.api_key!r})\n"
    )
    added_at = time.time()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=PROJECT_ROOT,
        env=site.embedded.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    page = site.page
    page.goto(f"{site.url}/printers/gamma")
    # Heating: the readings change, so statuses keep coming.
    beta.result("POST", "/printer/gcode/script", script="M104 S150")

    def rows():
        return page.evaluate("() => { const p = window.printerPage.chart.plot; return p ? p.data[0].length : 0; }")

    first = wait_for(lambda: rows() >= 3, timeout=20, what="the chart's first rows")
    wait_for(lambda: rows() > first + 3, timeout=20, what="more rows from live statuses")
    data = page.evaluate("() => window.printerPage.chart.plot.data")
    # Every row is from after the printer was added (a history bucket is drawn at its middle,
    # up to half the live view's 15 s buckets before its readings).
    assert data[0][0] >= added_at - 8
    assert data[0][-1] >= time.time() - 5
    expect(page.get_by_test_id("chart-title")).to_have_text(
        re.compile(r"^Temperatures(, live since \d{2}:\d{2}|, live, last 15 min)$")
    )
    expect(page.get_by_test_id("chart-note")).to_be_hidden()
    extruder = page.get_by_test_id("legend").locator("[data-component=extruder] [data-testid=legend-value]")
    expect(extruder).to_have_text(re.compile(r"^\d+\.\d / 150 °C$"), timeout=10_000)
    # The line rises with the heater.
    wait_for(
        lambda: page.evaluate(
            """() => { const p = window.printerPage.chart.plot; const ex = p.data[1].filter((v) => v !== null);
                       return ex.length > 2 && ex[ex.length - 1] > ex[0] + 5; }"""
        ),
        timeout=20,
        what="the extruder's line rising",
    )
