"""Real Moonraker through the bridge: start -> pause (a PAUSE line) -> resume -> complete, one job row."""

import pytest

from status.tests.bridge.conftest import PAUSING_GCODE, wait_for

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_a_full_job_shows_every_state_and_is_recorded_once(moonraker_printer, embedded_site):
    printer = moonraker_printer(lines_per_second=40)
    embedded_site.add_moonraker_printer("mk3", printer)
    embedded_site.start()
    idle = embedded_site.wait_status("mk3", lambda s: s["state"] == "idle", what="idle")
    assert {t["component"] for t in idle["temperatures"]} >= {"extruder", "heater_bed", "temperature_sensor chamber"}

    printer.put_gcode("cube.gcode", PAUSING_GCODE)
    printer.result("POST", "/printer/print/start", filename="cube.gcode")
    printing = embedded_site.wait_status("mk3", lambda s: s["state"] == "printing", what="printing")
    assert printing["active_job"]["name"] == "cube.gcode"
    assert printing["active_job"]["status"] == "running"
    assert printing["active_job"]["started_at"] is not None
    # The file's M104 S200 runs a moment after the print starts.
    embedded_site.wait_status(
        "mk3",
        lambda s: any(t["component"] == "extruder" and t["target"] == 200.0 for t in s["temperatures"]),
        what="the extruder heating to the file's 200 °C",
    )
    wait_for(lambda: [job[1] for job in embedded_site.jobs("mk3")] == ["in_progress"], timeout=5, what="the job row")

    paused = embedded_site.wait_status("mk3", lambda s: s["state"] == "paused", what="paused at the PAUSE line")
    assert paused["active_job"]["status"] == "paused"
    assert 0.3 < paused["active_job"]["progress"] < 0.9

    printer.result("POST", "/printer/print/resume")
    embedded_site.wait_status("mk3", lambda s: s["state"] == "printing", what="printing again")
    done = embedded_site.wait_status("mk3", lambda s: s["state"] == "idle", what="idle after the job")
    # As with the demo printer, the finished job stays visible until the next one starts.
    assert done["active_job"]["status"] == "completed"
    assert done["active_job"]["progress"] == 1.0

    moonraker_jobs = printer.history()
    assert len(moonraker_jobs) == 1
    jobs = embedded_site.db.rows(
        "SELECT job_id, status, filename, print_duration, total_duration, ended_at FROM print_jobs"
    )
    assert len(jobs) == 1
    job_id, status, filename, print_duration, total_duration, ended_at = jobs[0]
    assert (job_id, status, filename) == (moonraker_jobs[0]["job_id"], "completed", "cube.gcode")
    assert 0 < print_duration <= total_duration
    assert ended_at is not None
    # The history saw every state on the way.
    states = {row[0] for row in embedded_site.db.rows("SELECT DISTINCT state FROM status_history")}
    assert {"idle", "printing", "paused"} <= states
