"""Moonraker's job queue and a cancelled print, as real Moonraker reported them (recorded)."""

from datetime import UTC, datetime

from status.sources.moonraker.testing import Replay, load_recording

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_queued_files_are_queued_jobs_in_order():
    replay = Replay(load_recording("cancel_with_queue"))
    replay.until(lambda method, params: method == "notify_job_queue_changed")

    queued = replay.status(NOW).queued_jobs

    assert [(job.name, job.status, job.progress) for job in queued] == [
        ("next_a.gcode", "queued", 0.0),
        ("next_b.gcode", "queued", 0.0),
    ]
    assert [job.id for job in queued] == [entry["job_id"] for entry in replay.queue]


def test_the_queue_status_call_maps_the_same():
    recording = load_recording("cancel_with_queue")
    replay = Replay(recording)
    replay.queue = recording["calls"]["server.job_queue.status after post"]["queued_jobs"]

    assert [job.name for job in replay.status(NOW).queued_jobs] == ["next_a.gcode", "next_b.gcode"]


def test_cancelled_print_is_idle_with_a_cancelled_job_and_an_emptied_queue():
    replay = Replay(load_recording("cancel_with_queue"))
    replay.until_print_state("cancelled")
    replay.until(lambda method, params: method == "notify_job_queue_changed" and not params[0]["updated_queue"])

    status = replay.status(NOW)

    assert (status.state, status.message) == ("idle", "Print cancelled: long.gcode")
    assert status.active_job.status == "cancelled"
    assert 0 < status.active_job.progress < 1
    assert status.queued_jobs == ()
