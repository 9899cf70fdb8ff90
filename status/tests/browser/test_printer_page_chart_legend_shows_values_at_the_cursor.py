"""The chart's legend names each sensor with its value (and target) at the cursor, or the newest ones: never "--"."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from conftest import PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]

# Steady readings every 10 s from 50 to 10 minutes ago: extruder 200 °C (target 210), bed 60 °C (target 60).
SEED = """
from datetime import timedelta
from django.utils import timezone
from status.models import Printer
from status.services import snapshots_record
from status.tests.factories import make_status

printer = Printer.objects.get(slug="alpha")
now = timezone.now()
items = [
    (printer, make_status(now - timedelta(seconds=s), state="idle", jobs=0, queued=0,
                          temps={"extruder": (200.0, 210.0), "heater_bed": (60.0, 60.0)}))
    for s in range(600, 3001, 10)
]
snapshots_record(items=items, broadcast=False)
"""

# "since 23:39" when the data starts today, "since Dec 1, 2026, 23:39" when it started
# before midnight (a run near midnight), in either locale order.
SINCE_TODAY_OR_YESTERDAY = r"^Temperatures since (?:\w+ \d+, \d{4}, |\d+ \w+ \d{4}, )?\d{2}:\d{2}$"


def test_the_legend_shows_the_values_at_the_cursor(farm_site):
    site = farm_site
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SEED],
        cwd=PROJECT_ROOT,
        env=site.embedded.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    page = site.page
    page.goto(f"{site.url}/printers/alpha")
    legend = page.get_by_test_id("legend")
    # Live view, cursor elsewhere: the newest readings (the stand-in's room temperature).
    expect(legend.locator("[data-component=extruder] [data-testid=legend-value]")).to_have_text(
        re.compile(r"^\d+\.\d °C$")
    )
    expect(page.get_by_test_id("legend-time")).to_have_text("latest")

    page.get_by_test_id("ranges").get_by_role("button", name="1 h").click()
    expect(page.get_by_test_id("chart-title")).to_have_text(re.compile(SINCE_TODAY_OR_YESTERDAY))
    # Put the mouse over the chart 30 minutes ago.
    page.get_by_test_id("chart").scroll_into_view_if_needed()
    box = page.evaluate(
        """() => {
            const plot = window.printerPage.chart.plot;
            const rect = plot.over.getBoundingClientRect();
            const x = Date.now() / 1000 - 30 * 60;
            return {x: rect.left + plot.valToPos(x, "x"), y: rect.top + rect.height / 2};
        }"""
    )
    page.mouse.move(box["x"], box["y"])
    expect(page.get_by_test_id("legend-time")).to_have_text(re.compile(r"^at \d{2}:\d{2}:\d{2}$"))
    expect(legend.locator("[data-component=extruder] [data-testid=legend-value]")).to_have_text("200.0 / 210 °C")
    expect(legend.locator("[data-component=heater_bed] [data-testid=legend-value]")).to_have_text("60.0 / 60 °C")
    assert "--" not in legend.text_content()

    # Away from the chart: the newest values again.
    page.mouse.move(5, 5)
    expect(page.get_by_test_id("legend-time")).to_have_text("latest")
    expect(legend.locator("[data-component=extruder] [data-testid=legend-value]")).not_to_have_text("200.0 / 210 °C")
