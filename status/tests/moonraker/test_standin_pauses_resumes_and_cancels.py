"""Pause (a PAUSE line in the file), resume and cancel through real Moonraker; its history records each job once."""

import pytest

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def finished_jobs(mr):
    return [job for job in mr.history() if job["status"] != "in_progress"]


def test_a_pause_line_pauses_and_resume_completes_the_job_once(moonraker_printer):
    mr = moonraker_printer(lines_per_second=100)
    mr.put_gcode("paused.gcode", "G28\nM83\n" + "G1 X5 E0.1\n" * 20 + "PAUSE\n" + "G1 X6 E0.1\n" * 20)

    mr.result("POST", "/printer/print/start", filename="paused.gcode")
    mr.wait_print_state("paused", timeout=10)

    status = mr.query("pause_resume", "virtual_sdcard", "idle_timeout")
    assert status["pause_resume"]["is_paused"] is True
    assert status["virtual_sdcard"]["is_active"] is False
    assert 0.3 < status["virtual_sdcard"]["progress"] < 0.7
    # Moonraker hears of the print by its subscription (up to 250 ms after a query shows it).
    mr.wait_for(lambda: [job["status"] for job in mr.history()] == ["in_progress"], what="the job in history")

    mr.result("POST", "/printer/print/resume")
    stats = mr.wait_print_state("complete", timeout=10)

    assert stats["filament_used"] == pytest.approx(4.0)  # relative extrusion (M83): 40 x 0.1 mm
    assert stats["total_duration"] > stats["print_duration"] > 0  # the pause counts in total only
    jobs = mr.wait_for(lambda: finished_jobs(mr), what="the job to finish in history")
    assert [(job["filename"], job["status"]) for job in jobs] == [("paused.gcode", "completed")]
    assert len(mr.history()) == 1


def test_pause_and_resume_endpoints_work_mid_print(moonraker_printer):
    mr = moonraker_printer(lines_per_second=50)
    mr.put_gcode("long.gcode", "G1 X1 E0.1\n" * 200)
    mr.result("POST", "/printer/print/start", filename="long.gcode")
    mr.wait_print_state("printing", timeout=5)

    mr.result("POST", "/printer/print/pause")
    paused = mr.wait_print_state("paused", timeout=5)
    position = mr.query("virtual_sdcard")["virtual_sdcard"]["file_position"]
    mr.wait_for(lambda: mr.print_stats()["total_duration"] > paused["total_duration"] + 0.3, what="time to pass")

    assert mr.query("virtual_sdcard")["virtual_sdcard"]["file_position"] == position  # nothing runs while paused
    mr.result("POST", "/printer/print/resume")
    mr.wait_print_state("printing", timeout=5)
    mr.wait_for(lambda: mr.query("virtual_sdcard")["virtual_sdcard"]["file_position"] > position, what="progress")


def test_cancel_ends_the_job_as_cancelled_in_history(moonraker_printer):
    mr = moonraker_printer(lines_per_second=50)
    mr.put_gcode("long.gcode", "G1 X1 E0.1\n" * 500)
    mr.result("POST", "/printer/print/start", filename="long.gcode")
    mr.wait_print_state("printing", timeout=5)
    mr.wait_for(lambda: mr.query("virtual_sdcard")["virtual_sdcard"]["progress"] > 0.02, what="some progress")

    mr.result("POST", "/printer/print/cancel")
    mr.wait_print_state("cancelled", timeout=5)

    jobs = mr.wait_for(lambda: finished_jobs(mr), what="the job to finish in history")
    assert [(job["filename"], job["status"]) for job in jobs] == [("long.gcode", "cancelled")]
    assert 0 < jobs[0]["print_duration"] < 10
    assert mr.query("virtual_sdcard")["virtual_sdcard"]["is_active"] is False


def test_the_job_queue_starts_a_queued_file(moonraker_printer):
    mr = moonraker_printer(lines_per_second=100)
    mr.put_gcode("queued.gcode", "G1 X1 E0.2\n" * 30)
    mr.wait_for(lambda: mr.http("GET", "/server/files/metadata", filename="queued.gcode").status_code == 200)

    mr.result("POST", "/server/job_queue/job", filenames=["queued.gcode"])
    queued = mr.result("GET", "/server/job_queue/status")
    assert [job["filename"] for job in queued["queued_jobs"]] == ["queued.gcode"]
    mr.result("POST", "/server/job_queue/start")

    mr.wait_print_state("complete", timeout=10)
    assert mr.result("GET", "/server/job_queue/status")["queued_jobs"] == []
    jobs = mr.wait_for(lambda: finished_jobs(mr), what="the job to finish in history")
    assert [(job["filename"], job["status"]) for job in jobs] == [("queued.gcode", "completed")]
