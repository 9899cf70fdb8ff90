"""Values of the wrong type or missing objects leave that part out; the mapping never fails."""

from datetime import UTC, datetime

import pytest

from status.sources.moonraker import mapping

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "objects",
    [
        {},
        {"webhooks": "ready", "print_stats": None},
        {"print_stats": {"state": 7, "filename": ["x"]}, "virtual_sdcard": {"progress": "half"}},
        {"extruder": {"temperature": "hot", "target": None}, "heater_bed": {"temperature": float("nan")}},
        {"print_stats": {"state": "printing", "filename": "a.gcode", "print_duration": -5, "total_duration": True}},
    ],
)
def test_bad_values_give_a_status_not_an_exception(objects):
    status = mapping.printer_status(
        objects=objects, now=NOW, sensors=["extruder", "heater_bed"], queue=[None, {"filename": 3}, "x"]
    )

    assert status.state in ("idle", "printing")
    assert status.temperatures == ()
    assert status.queued_jobs == ()


def test_progress_is_clamped_and_a_missing_one_falls_back_to_display_status():
    printing = {"state": "printing", "filename": "a.gcode"}

    over = mapping.active_job({"print_stats": printing, "virtual_sdcard": {"progress": 1.7}}, now=NOW)
    fallback = mapping.active_job({"print_stats": printing, "display_status": {"progress": 0.25}}, now=NOW)

    assert over.progress == 1.0
    assert fallback.progress == 0.25


def test_a_history_job_of_another_file_is_not_this_jobs_start():
    objects = {"print_stats": {"state": "printing", "filename": "b.gcode", "total_duration": 10.0}}
    other = {"job_id": "000007", "filename": "a.gcode", "start_time": 1.7e9}

    job = mapping.active_job(objects, now=NOW, history_job=other)

    assert job.id == "b.gcode"
    assert job.started_at == datetime(2026, 12, 1, 11, 59, 50, tzinfo=UTC)


def test_a_long_message_is_cut_to_what_the_history_keeps():
    objects = {"webhooks": {"state": "shutdown", "state_message": "x" * 2000}}

    assert len(mapping.printer_status(objects=objects, now=NOW).message) == mapping.MESSAGE_MAX


def test_merge_diff_updates_fields_and_names_values_that_are_not_objects():
    objects = {"extruder": {"temperature": 20.0, "target": 0.0}}

    skipped = mapping.merge_diff(objects, {"extruder": {"temperature": 21.5}, "fan": {"speed": 0.5}, "bad": 3})

    assert objects == {"extruder": {"temperature": 21.5, "target": 0.0}, "fan": {"speed": 0.5}}
    assert skipped == ["bad"]


def test_a_print_still_running_when_klippy_shuts_down_has_failed():
    objects = {
        "webhooks": {"state": "shutdown", "state_message": "MCU 'mcu' shutdown: Timer too close"},
        "print_stats": {"state": "printing", "filename": "a.gcode", "print_duration": 10.0},
        "virtual_sdcard": {"progress": 0.4},
    }

    status = mapping.printer_status(objects=objects, now=NOW)

    assert (status.state, status.message) == ("error", "MCU 'mcu' shutdown: Timer too close")
    assert (status.active_job.status, status.active_job.estimated_completion) == ("failed", None)
