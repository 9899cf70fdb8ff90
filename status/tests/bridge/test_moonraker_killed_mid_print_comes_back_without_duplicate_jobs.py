"""Moonraker killed mid-print: the printer is offline with the reason, then back, and no job is recorded twice."""

import pytest

from status.tests.bridge.conftest import wait_for

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]

GCODE = "G28\n" + "G1 X10 Y10 E0.5\n" * 200


def test_offline_while_moonraker_is_down_then_back_with_each_job_once(moonraker_printer, embedded_site):
    printer = moonraker_printer(lines_per_second=40)  # a 5 s print
    embedded_site.add_moonraker_printer("flaky", printer)
    embedded_site.start()
    embedded_site.wait_status("flaky", lambda s: s["state"] == "idle", what="idle")
    printer.put_gcode("part.gcode", GCODE)
    printer.result("POST", "/printer/print/start", filename="part.gcode")
    embedded_site.wait_status("flaky", lambda s: s["state"] == "printing", what="printing")

    printer.kill_moonraker()
    offline = embedded_site.wait_status("flaky", lambda s: s["state"] == "offline", timeout=10, what="offline")
    assert "moonraker" in offline["message"].lower()
    listed = {p["slug"]: p for p in embedded_site.get("/api/printers/")["results"]}
    assert listed["flaky"]["connection"]["state"] == "unreachable"

    printer.start_moonraker()  # klippy went on printing meanwhile
    embedded_site.wait_status("flaky", lambda s: s["state"] in ("printing", "idle"), timeout=15, what="back")
    embedded_site.wait_status("flaky", lambda s: s["state"] == "idle", timeout=30, what="idle after the print")
    listed = {p["slug"]: p for p in embedded_site.get("/api/printers/")["results"]}
    assert listed["flaky"]["connection"]["state"] == "connected"

    def jobs_match():
        ours = sorted((job_id, status) for job_id, status, _, _ in embedded_site.jobs("flaky"))
        theirs = sorted((job["job_id"], job["status"]) for job in printer.history())
        return ours if ours == theirs else None

    ours = wait_for(jobs_match, timeout=10, what="our job records matching Moonraker's history")
    assert len({job_id for job_id, _ in ours}) == len(ours)
    assert all(status != "in_progress" for _, status in ours)
