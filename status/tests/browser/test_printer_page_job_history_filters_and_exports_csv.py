"""Job history: totals, a filter per status (kept in the URL), and a CSV export of what the filter shows."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from status.tests.browser.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.moonraker, pytest.mark.slow]


def test_job_history_filters_by_status_and_exports_the_filtered_csv(farm_site):
    site = farm_site

    def jobs_of(slug: str) -> dict[str, str]:
        return {job["filename"]: job["status"] for job in site.get(f"/api/printers/{slug}/jobs")["results"]}

    klippy = site.printers["alpha"]
    # One print that completes, one that is cancelled: Moonraker's history, recorded by the bridge.
    site.start_print("alpha", "done.gcode", layers=2, lines_per_layer=5)
    klippy.wait_print_state("complete")
    # Each step waits until Moonraker's history (through the bridge) has seen the one before: klippy pushes
    # at most every 250 ms, so "complete" and the next start (or a start and its cancel) within one push
    # would reach Moonraker as one change, and it would record no job for it.
    wait_for(lambda: jobs_of("alpha") == {"done.gcode": "completed"}, timeout=20, what="the first job completed")
    site.start_print("alpha", "stopped.gcode", layers=60, lines_per_layer=20)
    wait_for(lambda: "stopped.gcode" in jobs_of("alpha"), timeout=20, what="the second job in progress")
    klippy.result("POST", "/printer/print/cancel")
    klippy.wait_print_state("cancelled")
    wait_for(
        lambda: (
            sorted(job["status"] for job in site.get("/api/printers/alpha/jobs")["results"])
            == ["cancelled", "completed"]
        ),
        timeout=20,
        what="both jobs recorded",
    )

    page = site.page
    page.goto(f"{site.url}/printers/alpha")
    expect(page.get_by_test_id("jobs-totals")).to_contain_text("2 jobs")
    expect(page.get_by_test_id("jobs-totals")).to_contain_text("50 % completed")
    expect(page.get_by_test_id("jobs-filter-all")).to_have_text("All (2)")
    expect(page.get_by_test_id("jobs-filter-completed")).to_have_text("Completed (1)")
    expect(page.get_by_test_id("jobs-filter-cancelled")).to_have_text("Cancelled (1)")
    rows = page.get_by_test_id("jobs-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("jobs-csv")).to_have_attribute("href", "/api/printers/alpha/jobs.csv")

    page.get_by_test_id("jobs-filter-completed").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("done.gcode")
    expect(rows.first).to_contain_text("Completed")
    expect(page.get_by_test_id("jobs-filter-completed")).to_have_attribute("aria-pressed", "true")
    assert re.search(r"[?&]jobs=completed\b", page.url)
    csv_link = page.get_by_test_id("jobs-csv")
    expect(csv_link).to_have_attribute("href", "/api/printers/alpha/jobs.csv?status=completed")
    with page.expect_download() as download:
        csv_link.click()
    assert download.value.suggested_filename == "alpha-jobs.csv"
    table = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [(row["filename"], row["status"]) for row in table] == [("done.gcode", "completed")]

    page.get_by_test_id("jobs-filter-cancelled").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("stopped.gcode")
    expect(csv_link).to_have_attribute("href", "/api/printers/alpha/jobs.csv?status=cancelled")

    # The filter is in the URL: a reload (or a bookmark) shows the same.
    page.reload()
    expect(page.get_by_test_id("jobs-filter-cancelled")).to_have_attribute("aria-pressed", "true")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("stopped.gcode")

    page.get_by_test_id("jobs-filter-all").click()
    expect(rows).to_have_count(2)
    expect(csv_link).to_have_attribute("href", "/api/printers/alpha/jobs.csv")
