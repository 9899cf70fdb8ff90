"""Emergency stop, firmware restart and RESTART through real Moonraker: it follows klippy down and back up."""

import pytest

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_emergency_stop_shuts_klippy_down_and_firmware_restart_brings_it_back(moonraker_printer):
    mr = moonraker_printer(lines_per_second=50)
    mr.put_gcode("long.gcode", "M104 S200\n" + "G1 X1 E0.1\n" * 500)
    mr.result("POST", "/printer/print/start", filename="long.gcode")
    mr.wait_print_state("printing", timeout=5)
    # Moonraker learns of the start from its subscription, up to 250 ms after klippy answers a query with it.
    mr.wait_for(lambda: [j["status"] for j in mr.history()] == ["in_progress"], what="the job in history")

    mr.result("POST", "/printer/emergency_stop")
    info = mr.wait_klippy_state("shutdown", timeout=5)

    assert mr.query("webhooks")["webhooks"] == {
        "state": "shutdown",
        "state_message": "Shutdown due to webhooks request",
    }
    assert mr.query("extruder")["extruder"]["target"] == 0.0
    jobs = mr.wait_for(lambda: [j for j in mr.history() if j["status"] != "in_progress"], what="the job to end")
    assert [job["status"] for job in jobs] == ["klippy_shutdown"]
    refused = mr.http("POST", "/printer/gcode/script", script="G28")
    assert refused.status_code == 400
    assert "Shutdown due to webhooks request" in refused.json()["error"]["message"]

    mr.result("POST", "/printer/firmware_restart")
    info = mr.wait_klippy_state("ready", timeout=10)

    assert info["klippy_connected"] is True
    assert mr.print_stats()["state"] == "standby"
    assert len(mr.history()) == 1


def test_m112_in_a_script_is_an_emergency_stop(moonraker_printer):
    mr = moonraker_printer()

    mr.http("POST", "/printer/gcode/script", script="M112")

    mr.wait_klippy_state("shutdown", timeout=5)


def test_after_a_restart_moonraker_resubscribes_and_records_the_next_print(moonraker_printer):
    mr = moonraker_printer(lines_per_second=100)
    mr.put_gcode("after.gcode", "G1 X1 E0.1\n" * 30)
    with mr.websocket() as ws:
        mr.result("POST", "/printer/gcode/script", script="RESTART")
        ws.wait_notification("notify_klippy_disconnected", timeout=5)
        ws.wait_notification("notify_klippy_ready", timeout=10)
    mr.wait_klippy_state("ready")

    mr.result("POST", "/printer/print/start", filename="after.gcode")
    mr.wait_print_state("complete", timeout=10)

    # Moonraker learns of the end only through its (new) print_stats subscription.
    jobs = mr.wait_for(lambda: [j for j in mr.history() if j["status"] == "completed"], what="history")
    assert [job["filename"] for job in jobs] == ["after.gcode"]


def test_a_stand_in_starting_up_is_klippy_startup_until_it_is_ready(moonraker_printer):
    mr = moonraker_printer(start_state="startup")

    assert mr.server_info()["klippy_state"] == "startup"
    mr.klippy_call("standin/set_state", state="ready")

    mr.wait_klippy_state("ready", timeout=5)
