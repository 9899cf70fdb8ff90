"""Moonraker or the stand-in killed mid-print and started again: what history then says; stop() leaves nothing."""

import os

import pytest

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def statuses(mr):
    return [(job["filename"], job["status"]) for job in mr.history()]


def test_moonraker_killed_mid_print_marks_the_job_interrupted_while_klippy_keeps_it(moonraker_printer):
    mr = moonraker_printer(lines_per_second=100)
    # Paused at layer 3, so the print is still there however long Moonraker takes to come back.
    mr.put_print("long.gcode", layers=6, lines_per_layer=30, pause_at_layer=3)
    mr.result("POST", "/printer/print/start", filename="long.gcode")
    mr.wait_for(lambda: statuses(mr) == [("long.gcode", "in_progress")], what="the job in history")
    mr.wait_print_state("paused", timeout=10)
    key = mr.api_key

    mr.kill_moonraker()
    mr.start_moonraker()

    assert mr.api_key == key  # kept in its database
    assert statuses(mr) == [("long.gcode", "interrupted")]
    assert mr.print_stats()["state"] == "paused"  # klippy never noticed
    mr.result("POST", "/printer/print/resume")
    mr.wait_print_state("complete", timeout=15)
    # Moonraker does not adopt a job it lost: it stays interrupted, and no second job appears.
    assert statuses(mr) == [("long.gcode", "interrupted")]


def test_klippy_killed_mid_print_is_klippy_disconnect_and_a_new_one_is_ready(moonraker_printer):
    mr = moonraker_printer(lines_per_second=50)
    mr.put_print("long.gcode", layers=10, lines_per_layer=30)
    mr.result("POST", "/printer/print/start", filename="long.gcode")
    mr.wait_for(lambda: statuses(mr) == [("long.gcode", "in_progress")], what="the job in history")

    mr.kill_klippy()
    info = mr.wait_klippy_state("disconnected", timeout=5)

    assert info["klippy_connected"] is False
    assert statuses(mr) == [("long.gcode", "klippy_disconnect")]
    mr.start_klippy()
    mr.wait_klippy_state("ready", timeout=10)
    assert mr.print_stats()["state"] == "standby"


def test_stop_leaves_no_process_behind(moonraker_printer):
    mr = moonraker_printer()
    pids = [mr.moonraker.pid, mr.klippy.pid]

    mr.stop()

    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)  # neither the process nor anything in its group
    assert not mr.klippy_socket.exists()
