"""Real Moonraker through the bridge: a cancelled job, an emergency stop (error) and a firmware restart."""

import pytest

from status.tests.bridge.conftest import wait_for

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]

LONG_GCODE = "G28\n" + "G1 X10 Y10 E0.5\n" * 400


@pytest.fixture
def followed(moonraker_printer, embedded_site):
    printer = moonraker_printer(lines_per_second=40)
    embedded_site.add_moonraker_printer("voron", printer)
    embedded_site.start()
    embedded_site.wait_status("voron", lambda s: s["state"] == "idle", what="idle")
    return printer, embedded_site


def test_a_cancelled_job_is_recorded_as_cancelled(followed):
    printer, site = followed
    printer.put_gcode("long.gcode", LONG_GCODE)
    printer.result("POST", "/printer/print/start", filename="long.gcode")
    site.wait_status("voron", lambda s: s["state"] == "printing", what="printing")
    printer.result("POST", "/printer/print/cancel")
    idle = site.wait_status("voron", lambda s: s["state"] == "idle", what="idle after cancel")
    assert idle["active_job"] is None or idle["active_job"]["status"] == "cancelled"
    wait_for(lambda: [job[1] for job in site.jobs("voron")] == ["cancelled"], timeout=5, what="the cancelled job")


def test_an_emergency_stop_is_an_error_until_the_firmware_restart(followed):
    printer, site = followed
    printer.result("POST", "/printer/emergency_stop")
    error = site.wait_status("voron", lambda s: s["state"] == "error", what="error after the emergency stop")
    assert "shutdown" in error["message"].lower()  # Klipper: "Shutdown due to webhooks request"

    printer.result("POST", "/printer/firmware_restart")
    site.wait_status("voron", lambda s: s["state"] == "idle", timeout=30, what="idle after the firmware restart")
    # The bridge resubscribed: temperatures keep coming after klippy came back.
    printer.result("POST", "/printer/gcode/script", script="M104 S150")
    site.wait_status(
        "voron",
        lambda s: any(t["component"] == "extruder" and t["target"] == 150.0 for t in s["temperatures"]),
        what="a new target after the restart",
    )
