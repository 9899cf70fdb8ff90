"""Through real Moonraker: emergency stop (error), firmware restart, klippy gone and klippy starting up."""

import pytest

from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FollowThread, RecordingSink

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]

PLAIN = "G28\n" + "G1 X10 Y10 E0.1\n" * 400


def test_emergency_stop_is_error_and_a_firmware_restart_brings_it_back(moonraker_printer):
    mr = moonraker_printer(lines_per_second=50)
    mr.put_gcode("long.gcode", PLAIN)
    sink = RecordingSink()

    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), sink):
        sink.wait(lambda s: s.link == ("connected", ""), timeout=10, what="connected")
        mr.result("POST", "/printer/print/start", filename="long.gcode")
        sink.wait(lambda s: s.last_status.state == "printing", timeout=10, what="printing")

        mr.result("POST", "/printer/emergency_stop")
        stopped = sink.wait(lambda s: s.last_status.state == "error" and s.last_status, timeout=10, what="error")
        link_when_stopped = sink.link
        mark = len(sink.records)

        mr.result("POST", "/printer/firmware_restart")
        sink.wait(lambda s: s.link == ("connected", "") and s.last_status.state == "idle", timeout=15, what="back")
        # Resubscribed: changes after the restart still arrive.
        mr.result("POST", "/printer/gcode/script", script="M104 S150")
        sink.wait(
            lambda s: {t.component: t.target for t in s.last_status.temperatures}.get("extruder") == 150.0,
            timeout=10,
            what="the new target",
        )

    assert stopped.message == "Shutdown due to webhooks request"
    assert stopped.active_job.status == "failed"
    assert link_when_stopped == ("klippy_not_ready", "Shutdown due to webhooks request")
    after = [record.value for record in sink.records[mark:] if record.kind == "status"]
    assert "offline" in {status.state for status in after}  # klippy restarting
    (job_id,) = sink.jobs_by_id()
    assert sink.jobs_by_id()[job_id][-1]["status"] == "klippy_shutdown"


def test_klippy_gone_is_offline_and_klippy_not_ready_until_it_is_back(moonraker_printer):
    mr = moonraker_printer()
    sink = RecordingSink()

    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), sink):
        sink.wait(lambda s: s.link == ("connected", ""), timeout=10, what="connected")
        mr.kill_klippy()
        gone = sink.wait(lambda s: s.last_status.state == "offline" and s.last_status, timeout=10, what="offline")
        link_when_gone = sink.link

        mr.start_klippy()
        sink.wait(lambda s: s.link == ("connected", "") and s.last_status.state == "idle", timeout=15, what="back")

    assert gone.message == "Klippy is not connected to Moonraker"
    assert (gone.active_job, gone.temperatures) == (None, ())
    assert link_when_gone == ("klippy_not_ready", "Klippy is not connected to Moonraker")
    assert sink.last_status.temperatures


def test_klippy_starting_up_is_klippy_not_ready_until_ready(moonraker_printer):
    mr = moonraker_printer(start_state="startup")
    sink = RecordingSink()

    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), sink):
        starting = sink.wait(lambda s: s.link[0] == "klippy_not_ready" and s.last_status, timeout=10, what="startup")
        mr.klippy_call("standin/set_state", state="ready", message="Printer is ready")
        sink.wait(lambda s: s.link == ("connected", ""), timeout=10, what="ready")

    assert (starting.state, starting.message) == ("offline", "Klippy is starting up")
    assert sink.link == ("connected", "")
    assert sink.last_status.state == "idle"


def test_following_a_printer_that_is_already_shut_down_reports_the_error(moonraker_printer):
    mr = moonraker_printer()
    mr.result("POST", "/printer/emergency_stop")
    mr.wait_klippy_state("shutdown")
    sink = RecordingSink()

    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), sink):
        stopped = sink.wait(
            lambda s: s.last_status and s.last_status.state == "error" and s.last_status, timeout=10, what="error"
        )

    assert stopped.message == "Shutdown due to webhooks request"
    assert sink.link == ("klippy_not_ready", "Shutdown due to webhooks request")
    assert [t.component for t in stopped.temperatures] == ["extruder", "heater_bed", "temperature_sensor chamber"]
