"""The chart's axis labels never overlap, from a 375 px phone to a 1920 px screen, for every range;
times are on a 24 h clock and the title says what the chart shows."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from conftest import PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]

# Eight days of readings: every 10 minutes, the last 26 hours every minute, the last two hours every 10 s.
SEED = """
import math
from datetime import timedelta
from django.utils import timezone
from status.models import Printer
from status.services import snapshots_record
from status.tests.factories import make_status

printer = Printer.objects.get(slug="alpha")
now = timezone.now()
seconds = [*range(30, 7200, 10), *range(7200, 26 * 3600, 60), *range(26 * 3600, 8 * 86400, 600)]
items = []
for s in seconds:
    e = 25 + 185 * (0.5 + 0.5 * math.sin(s / 5000))
    temps = {"extruder": (e, 210.0), "heater_bed": (e / 3.5, 60.0)}
    items.append((printer, make_status(now - timedelta(seconds=s), state="idle", jobs=0, queued=0, temps=temps)))
snapshots_record(items=items, broadcast=False)
"""

# Each axis label's box in CSS pixels, measured with the axis font; overlaps between neighbours.
MEASURE = """() => {
    const u = window.printerPage.chart.plot;
    const context = document.createElement("canvas").getContext("2d");
    const found = [];
    u.axes.forEach((axis, index) => {
        context.font = axis.font[0] ? axis.font[0] : axis.font;
        const scale = index === 0 ? "x" : "y";
        const end = (index === 0 ? u.bbox.width : u.bbox.height) / devicePixelRatio + 1;
        const labels = (axis._values || []).map((text, i) => ({
            text: String(text),
            at: u.valToPos(axis._splits[i], scale),
            size: index === 0 ? context.measureText(String(text)).width : 14,
        })).filter((label) => label.text !== "" && label.at >= -1 && label.at <= end);
        labels.sort((a, b) => a.at - b.at);
        for (let i = 1; i < labels.length; i += 1) {
            const gap = labels[i].at - labels[i - 1].at - (labels[i].size + labels[i - 1].size) / 2;
            const pair = `"${labels[i - 1].text}" and "${labels[i].text}"`;
            if (gap < 4) found.push(`${scale}: ${pair} ${gap.toFixed(1)} px apart`);
        }
        found.push(`${scale}-labels:${labels.map((l) => l.text).join("|")}`);
    });
    return found;
}"""

TITLES = {
    "Live": r"Temperatures, live, last 15 min",
    "1 h": r"Temperatures, last 1 h",
    "6 h": r"Temperatures, last 6 h",
    "24 h": r"Temperatures, last 24 h",
    "7 d": r"Temperatures, last 7 d",
    # Eight days of data in a 30-day range: since when.
    "30 d": r"Temperatures since \w+ \d+, \d{4}, \d{2}:\d{2}|Temperatures since \d+ \w+ \d{4}, \d{2}:\d{2}",
}


def test_axis_labels_do_not_overlap_at_any_width_or_range(farm_site):
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
    problems = []
    for width in (375, 768, 1920):
        page = site.new_page(viewport={"width": width, "height": 900}, locale="en-US")
        page.goto(f"{site.url}/printers/alpha")
        for name, title in TITLES.items():
            page.get_by_test_id("ranges").get_by_role("button", name=name, exact=True).click()
            expect(page.get_by_test_id("chart-title")).to_have_text(re.compile(f"^({title})$"))
            page.wait_for_function("() => window.printerPage.chart.plot?.axes[0]._values")
            found = page.evaluate(MEASURE)
            labels = next(line for line in found if line.startswith("x-labels:")).removeprefix("x-labels:").split("|")
            assert len(labels) >= 2, f"{name} at {width} px has x labels {labels}"
            # en-US would write 1:30 PM on a 12 h clock: the page's default is 24 h.
            assert not any(re.search(r"\b(AM|PM)\b", label) for label in labels), labels
            problems += [f"{name} at {width} px: {line}" for line in found if "-labels:" not in line]
        page.context.close()
    assert not problems, "\n".join(problems)
