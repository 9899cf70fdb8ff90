"""Klippy shut down, restarting, gone or starting, as real Moonraker reported it (recorded)."""

from datetime import UTC, datetime

from status.sources.moonraker import mapping
from status.sources.moonraker.testing import Replay, load_recording

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_emergency_stop_is_error_with_klippys_message():
    replay = Replay(load_recording("shutdown_then_firmware_restart"))
    replay.until_print_state("printing")
    assert replay.status(NOW).state == "printing"

    replay.until(lambda method, params: method == "notify_klippy_shutdown")
    status = replay.status(NOW)

    assert (status.state, status.message) == ("error", "Shutdown due to webhooks request")
    # The print ended with the shutdown; the job shows it failed.
    assert status.active_job.status == "failed"
    assert status.temperatures  # the heaters still report while shut down


def test_firmware_restart_is_offline_until_klippy_is_ready_again():
    replay = Replay(load_recording("shutdown_then_firmware_restart"))

    replay.until(lambda method, params: method == "notify_klippy_disconnected")
    status = replay.status(NOW)

    assert (status.state, status.message) == ("offline", "Klippy is not connected to Moonraker")
    assert (status.active_job, status.temperatures) == (None, ())


def test_klippy_killed_is_offline_and_server_info_says_why():
    recording = load_recording("klippy_disconnected_and_back")
    info = recording["calls"]["server.info while disconnected"]
    replay = Replay(recording)
    replay.until(lambda method, params: method == "notify_klippy_disconnected")

    assert info["klippy_connected"] is False
    assert replay.status(NOW).state == "offline"
    assert mapping.printer_status(objects={}, now=NOW, klippy_state=info["klippy_state"]).state == "offline"


def test_klippy_starting_up_is_offline_saying_so():
    info = load_recording("klippy_startup")["calls"]["server.info"]

    status = mapping.printer_status(objects={}, now=NOW, klippy_state=info["klippy_state"])

    assert info["klippy_state"] == "startup"
    assert (status.state, status.message) == ("offline", "Klippy is starting up")


def test_webhooks_startup_is_offline_even_when_klippy_was_ready():
    objects = {"webhooks": {"state": "startup", "state_message": "Startup in progress"}}

    assert mapping.printer_status(objects=objects, now=NOW).state == "offline"


def test_klippy_error_state_is_error_with_state_message():
    objects = {"webhooks": {"state": "error", "state_message": "Option 'foo' is not valid in section 'bar'"}}

    status = mapping.printer_status(objects=objects, now=NOW, klippy_state="error")

    assert (status.state, status.message) == ("error", "Option 'foo' is not valid in section 'bar'")


def test_print_error_is_error_with_print_stats_message():
    objects = {
        "webhooks": {"state": "ready", "state_message": "Printer is ready"},
        "print_stats": {"state": "error", "filename": "a.gcode", "message": "Move out of range: 300.000 0.000"},
    }

    status = mapping.printer_status(objects=objects, now=NOW)

    assert (status.state, status.message) == ("error", "Move out of range: 300.000 0.000")
    assert status.active_job.status == "failed"


def test_moonraker_unreachable_is_offline_with_the_reason():
    status = mapping.offline_status("Moonraker unreachable: connection refused by 127.0.0.1:7125", now=NOW)

    assert (status.state, status.uptime_seconds, status.updated_at) == ("offline", 0, NOW)
    assert status.message == "Moonraker unreachable: connection refused by 127.0.0.1:7125"
