"""A time without readings is a gap in the chart's line (nulls in uPlot's data, spanGaps off), not a line across."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from conftest import PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]

# Readings every 10 s from 55 to 35 minutes ago and from 20 to 5 minutes ago: nothing in between.
SEED = """
from datetime import timedelta
from django.utils import timezone
from status.models import Printer
from status.services import snapshots_record
from status.tests.factories import make_status

printer = Printer.objects.get(slug="alpha")
now = timezone.now()
items = []
for first, last in ((55, 35), (20, 5)):
    for second in range(last * 60, first * 60 + 1, 10):
        at = now - timedelta(seconds=second)
        temps = {"extruder": (200.0 + (second % 60) / 10, 210.0), "heater_bed": (60.0, 60.0)}
        items.append((printer, make_status(at, state="idle", temps=temps, jobs=0, queued=0)))
snapshots_record(items=items, broadcast=False)
print(len(items))
"""

# "since 23:39" when the data starts today, "since Dec 1, 2026, 23:39" when it started
# before midnight (a run near midnight), in either locale order.
SINCE_TODAY_OR_YESTERDAY = r"^Temperatures since (?:\w+ \d+, \d{4}, |\d+ \w+ \d{4}, )?\d{2}:\d{2}$"


def seed(site) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SEED],
        cwd=PROJECT_ROOT,
        env=site.embedded.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_a_gap_in_the_history_is_a_gap_in_the_line(farm_site):
    site = farm_site
    seed(site)
    page = site.page
    page.goto(f"{site.url}/printers/alpha")
    page.get_by_test_id("ranges").get_by_role("button", name="1 h").click()
    title = page.get_by_test_id("chart-title")
    # The data starts 55 minutes ago: the title says since when, not "last 1 h".
    expect(title).to_have_text(re.compile(SINCE_TODAY_OR_YESTERDAY))
    chart = page.evaluate(
        """() => {
            const plot = window.printerPage.chart.plot;
            return {
                labels: plot.series.map((s) => s.label || null),
                spanGaps: plot.series.slice(1).map((s) => s.spanGaps),
                data: plot.data,
                now: Date.now() / 1000,
            };
        }"""
    )
    xs, extruder = chart["data"][0], chart["data"][chart["labels"].index("extruder")]
    now = chart["now"]
    assert all(flag is False for flag in chart["spanGaps"])

    def ago(index):
        return (now - xs[index]) / 60

    before = [extruder[i] for i in range(len(xs)) if 37 < ago(i) < 53]
    gap = [extruder[i] for i in range(len(xs)) if 22 < ago(i) < 33]
    after = [extruder[i] for i in range(len(xs)) if 7 < ago(i) < 18]
    assert before
    assert all(value is not None for value in before)
    assert after
    assert all(value is not None for value in after)
    # One row per 15-second bucket of the gap, each empty: uPlot breaks the line there.
    assert len(gap) >= 40
    assert all(value is None for value in gap)
    for series in chart["data"][1:]:
        assert all(series[i] is None for i in range(len(xs)) if 22 < ago(i) < 33)
    site.screenshot(page, "printer-page-chart-gap")
