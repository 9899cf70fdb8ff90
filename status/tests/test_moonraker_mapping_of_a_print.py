"""A print as real Moonraker reported it (recorded): idle, printing, paused, printing, complete."""

from datetime import UTC, datetime, timedelta

import pytest

from status.sources.moonraker.testing import Replay, load_recording

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def replay():
    return Replay(load_recording("print_pause_resume_complete"))


def test_idle_printer_is_idle_with_every_heater_and_sensor(replay):
    status = replay.status(NOW)

    assert (status.state, status.message) == ("idle", "Printer is ready")
    assert status.active_job is None
    assert status.uptime_seconds == 3600
    assert [(t.component, t.target) for t in status.temperatures] == [
        ("extruder", 0.0),
        ("heater_bed", 0.0),
        ("temperature_sensor chamber", None),
    ]
    assert all(t.timestamp == NOW for t in status.temperatures)


def test_printing_maps_the_file_progress_start_and_slicer_eta(replay):
    replay.until_print_state("printing")
    replay.until(lambda method, params: method == "notify_history_changed")
    stats, sdcard = replay.objects["print_stats"], replay.objects["virtual_sdcard"]

    status = replay.status(NOW)

    assert status.state == "printing"
    assert status.message == "Printing cube.gcode: Printing cube"  # with the file's M117 (display_status.message)
    job = status.active_job
    assert (job.name, job.status, job.id) == ("cube.gcode", "running", replay.history_job["job_id"])
    assert job.progress == pytest.approx(sdcard["progress"])
    assert 0 < job.progress < 1
    assert job.started_at == datetime.fromtimestamp(replay.history_job["start_time"], tz=UTC)
    # The slicer says 100 s; what is left is that less the time printed so far.
    assert replay.metadata["estimated_time"] == 100
    assert job.estimated_completion == NOW + timedelta(seconds=100 - stats["print_duration"])


def test_without_slicer_estimate_the_eta_comes_from_progress(replay):
    replay.until_print_state("printing")
    stats, progress = replay.objects["print_stats"], replay.objects["virtual_sdcard"]["progress"]

    job = replay.status(NOW, metadata=False).active_job

    remaining = stats["print_duration"] * (1 - progress) / progress
    assert job.estimated_completion == NOW + timedelta(seconds=remaining)
    # No history job yet: the start is now less the total duration.
    assert job.started_at == NOW - timedelta(seconds=stats["total_duration"])


def test_paused_print_is_paused_with_a_paused_job(replay):
    replay.until_print_state("paused")

    status = replay.status(NOW)

    assert status.state == "paused"
    assert status.active_job.status == "paused"
    assert status.active_job.progress == pytest.approx(replay.objects["virtual_sdcard"]["progress"])


def test_resumed_print_is_printing_again(replay):
    replay.until_print_state("paused")
    replay.until_print_state("printing")

    assert replay.status(NOW).state == "printing"
    assert replay.status(NOW).active_job.status == "running"


def test_complete_print_is_idle_and_keeps_the_finished_job(replay):
    replay.until_print_state("complete")
    replay.until(lambda method, params: method == "notify_history_changed" and params[0]["action"] == "finished")

    status = replay.status(NOW)

    assert status.state == "idle"
    assert status.message == "Print complete: cube.gcode"
    job = status.active_job
    assert (job.status, job.progress, job.estimated_completion) == ("completed", 1.0, None)
    assert job.id == replay.history_job["job_id"]


def test_every_temperature_follows_the_diffs(replay):
    replay.until_print_state("complete")

    readings = {t.component: t for t in replay.status(NOW).temperatures}

    assert readings["extruder"].actual == round(replay.objects["extruder"]["temperature"], 2)
    assert readings["extruder"].target == 200.0  # M104 S200 before the print
    assert readings["extruder"].actual > 100  # heating towards it
