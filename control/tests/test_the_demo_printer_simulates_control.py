"""The demo printer follows pause, resume, cancel, emergency stop and restarts, still a pure function of its inputs."""

from datetime import timedelta

import pytest

from status.sources.demo import (
    CYCLE_SECONDS,
    PAUSE_END,
    PAUSE_START,
    PRINT_END,
    PRINT_START,
    DemoActionRefused,
    DemoSource,
)
from status.tests.factories import T0

SEED = 3


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def source(simulation=None) -> DemoSource:
    return DemoSource(seed=SEED, epoch=T0, simulation=simulation)


def after(*steps: tuple[str, float], simulation=None) -> dict:
    """The simulation after each (action, second) in turn."""
    for action, second in steps:
        simulation = source(simulation).control(action, now=at(second))
    return simulation


def status(simulation, second):
    return source(simulation).current_status(now=at(second))


def temperature(st, component="extruder"):
    return next(t for t in st.temperatures if t.component == component)


def test_no_simulation_is_the_plain_cycle():
    for second in (60, 600, 1600, 2000, 3000, 3350):
        assert status({}, second) == DemoSource(seed=SEED, epoch=T0).current_status(now=at(second))


def test_pause_freezes_progress_until_resume_then_the_timeline_is_shifted():
    paused = after(("pause", 600))
    frozen = [status(paused, s) for s in (600, 900, 5000)]
    resumed = after(("resume", 900), simulation=paused)

    assert {st.state for st in frozen} == {"paused"}
    assert {st.active_job.status for st in frozen} == {"paused"}
    assert len({st.active_job.progress for st in frozen}) == 1
    # Heaters stay on while paused, as Klipper's PAUSE leaves them.
    assert temperature(frozen[1]).target == 215.0
    # After 300 s of pause the print goes on from where it stood, 300 s later than planned.
    assert status(resumed, 900).active_job.progress == frozen[0].active_job.progress
    assert status(resumed, 1200).active_job.progress == status({}, 900).active_job.progress
    assert status(resumed, 1200).state == "printing"
    # The cycle's own pause and its end come 300 s later too.
    assert status(resumed, PAUSE_START + 299).state == "printing"
    assert status(resumed, PAUSE_START + 301).state == "paused"
    assert status(resumed, PRINT_END + 299).state == "printing"
    assert status(resumed, PRINT_END + 301).active_job.status == "completed"


def test_the_job_keeps_its_start_time_and_its_estimate_moves():
    resumed = after(("pause", 600), ("resume", 900))

    assert status(resumed, 1200).active_job.started_at == status({}, 600).active_job.started_at == at(PRINT_START)
    # The next cycle's job starts 300 s later than planned.
    assert status(resumed, CYCLE_SECONDS + 900).active_job.started_at == at(CYCLE_SECONDS + PRINT_START + 300)


def test_resume_during_the_cycle_s_own_pause_skips_the_rest_of_it():
    resumed = after(("resume", PAUSE_START + 60))

    assert status({}, PAUSE_START + 61).state == "paused"
    assert status(resumed, PAUSE_START + 61).state == "printing"
    progress = status(resumed, PAUSE_START + 61).active_job.progress
    assert progress == pytest.approx(status({}, PAUSE_END + 1).active_job.progress, abs=1e-3)


def test_pause_and_resume_are_refused_when_they_make_no_sense():
    with pytest.raises(DemoActionRefused, match="not printing"):
        source().control("pause", now=at(60))
    with pytest.raises(DemoActionRefused, match="already paused"):
        source().control("pause", now=at(PAUSE_START + 10))
    with pytest.raises(DemoActionRefused, match="already paused"):
        after(("pause", 600), ("pause", 700))
    with pytest.raises(DemoActionRefused, match="not paused"):
        source().control("resume", now=at(600))
    with pytest.raises(DemoActionRefused, match="not printing"):
        source().control("cancel", now=at(PRINT_END + 60))


def test_cancel_ends_the_job_as_cancelled_and_the_printer_idles_until_the_next_cycle():
    cancelled = after(("cancel", 900))

    st = status(cancelled, 901)
    assert st.state == "idle"
    assert (st.active_job.status, st.active_job.progress) == ("cancelled", status({}, 900).active_job.progress)
    assert temperature(st).target == 0.0
    assert status(cancelled, 2000).state == "idle"
    assert status(cancelled, 2000).active_job.status == "cancelled"
    # Heaters cool from where the job stopped.
    assert temperature(status(cancelled, 1500)).actual < temperature(status(cancelled, 950)).actual
    # The next cycle prints as planned.
    assert status(cancelled, CYCLE_SECONDS + 600) == status({}, CYCLE_SECONDS + 600)


def test_cancel_while_paused_ends_the_job_where_it_stood():
    cancelled = after(("pause", 600), ("cancel", 900))

    st = status(cancelled, 1000)
    assert (st.state, st.active_job.status) == ("idle", "cancelled")
    assert st.active_job.progress == round(status({}, 600).active_job.progress, 4)


def test_emergency_stop_is_an_error_until_a_firmware_restart():
    stopped = after(("emergency-stop", 900))

    for second in (901, 2500, CYCLE_SECONDS + 600):
        st = status(stopped, second)
        assert (st.state, st.message) == ("error", "Emergency stop")
        assert all(t.target in (0.0, None) for t in st.temperatures)
    assert status(stopped, 901).active_job.status == "failed"
    with pytest.raises(DemoActionRefused, match="shut down"):
        source(stopped).control("pause", now=at(1000))
    # Still stopped after a second stop; a firmware restart clears it, idle until the next cycle.
    restarted = after(("emergency-stop", 1000), ("firmware-restart", 1200), simulation=stopped)
    assert status(restarted, 1201).state == "idle"
    assert status(restarted, 1201).active_job.status == "failed"
    assert status(restarted, CYCLE_SECONDS + 600).state == "printing"


@pytest.mark.parametrize("action", ["restart", "firmware-restart"])
def test_a_restart_clears_the_stop_too(action):
    assert status(after(("emergency-stop", 60), (action, 100)), 101).state == "idle"


def test_a_long_stop_keeps_the_heaters_off_for_cycles_and_the_temperature_falls_to_ambient():
    stopped = after(("emergency-stop", 900))

    late = status(stopped, 2 * CYCLE_SECONDS + 600)
    assert late.active_job is None
    assert temperature(late).actual == pytest.approx(22.0, abs=1.0)
    restarted = after(("firmware-restart", 2 * CYCLE_SECONDS + 600), simulation=stopped)
    assert status(restarted, 2 * CYCLE_SECONDS + 700).state == "idle"
    assert status(restarted, 3 * CYCLE_SECONDS + 600).state == "printing"


def test_a_restart_while_printing_aborts_the_print():
    restarted = after(("restart", 900))

    st = status(restarted, 901)
    assert (st.state, st.active_job.status) == ("idle", "failed")


def test_restarts_of_an_idle_printer_change_nothing():
    assert after(("firmware-restart", 60)) == {}
    assert after(("restart", 60)) == {}


def test_it_is_pure_and_its_simulation_is_json():
    import json

    steps = (("pause", 600), ("resume", 700), ("cancel", 900), ("emergency-stop", 950), ("firmware-restart", 1000))
    simulation = after(*steps)
    assert simulation == after(*steps)
    assert json.loads(json.dumps(simulation)) == simulation
    assert status(simulation, 1234) == status(json.loads(json.dumps(simulation)), 1234)


@pytest.mark.parametrize(
    "junk",
    [None, [], "x", {"shifts": "x", "paused_at": "noon", "halt": [None], "ended": {"cycle": "1"}, "stopped": 1}],
)
def test_a_malformed_simulation_is_ignored(junk):
    assert status(junk, 600) == status({}, 600)


def test_later_cycles_keep_the_offset_of_old_pauses():
    # 300 s of pause in the first cycle, then a pause of 10 s three cycles later, mid-print.
    simulation = after(("pause", 600), ("resume", 900))
    simulation = after(("pause", 3 * CYCLE_SECONDS + 1200), ("resume", 3 * CYCLE_SECONDS + 1210), simulation=simulation)

    assert len(simulation["shifts"]) == 2  # the old one (the base) and the new one
    started = status(simulation, 3 * CYCLE_SECONDS + 1300).active_job.started_at
    assert started == at(3 * CYCLE_SECONDS + PRINT_START + 300)
    assert status(simulation, 4 * CYCLE_SECONDS + 900).active_job.started_at == at(
        4 * CYCLE_SECONDS + PRINT_START + 310
    )


def test_the_shifts_kept_stay_bounded():
    simulation = {}
    for n in range(200):
        simulation = after(("pause", 400 + 2 * n), ("resume", 401 + 2 * n), simulation=simulation)
    assert len(simulation["shifts"]) <= 50
    assert status(simulation, 1000).active_job.started_at == at(PRINT_START)
