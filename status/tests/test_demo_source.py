"""The demo printer: deterministic, and it walks through a printer's life."""

from datetime import timedelta

import pytest

from status.sources.demo import CYCLE_SECONDS, DemoSource
from status.tests.factories import T0


@pytest.fixture
def demo():
    return DemoSource(seed=3, epoch=T0)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def test_it_answers_the_same_for_the_same_clock_and_seed(demo):
    again = DemoSource(seed=3, epoch=T0)
    assert demo.current_status(now=at(1234.5)) == again.current_status(now=at(1234.5))
    assert demo.current_status(now=at(1234)) != DemoSource(seed=4, epoch=T0).current_status(now=at(1234))


@pytest.mark.parametrize(
    ("second", "state", "job_status"),
    [(60, "idle", None), (600, "printing", "running"), (1600, "paused", "paused"), (2000, "printing", "running")],
)
def test_it_cycles_through_the_states(demo, second, state, job_status):
    status = demo.current_status(now=at(second))
    assert status.state == state
    assert (status.active_job.status if status.active_job else None) == job_status


def test_progress_advances_while_printing_and_stands_while_paused(demo):
    progress = [demo.current_status(now=at(s)).active_job.progress for s in (400, 900, 1499, 1600, 1679, 2500)]
    assert progress[0] < progress[1] < progress[2]
    assert progress[2] == pytest.approx(progress[3], abs=1e-3)
    assert progress[3] == progress[4]
    assert progress[4] < progress[5] < 1.0


def test_heaters_approach_their_targets_while_printing(demo):
    early = {t.component: t for t in demo.current_status(now=at(310)).temperatures}
    later = {t.component: t for t in demo.current_status(now=at(1200)).temperatures}
    assert early["extruder"].target == 215.0
    assert early["extruder"].actual < 150
    assert later["extruder"].actual == pytest.approx(215.0, abs=1.0)
    assert later["heater_bed"].actual == pytest.approx(60.0, abs=1.0)
    assert later["chamber"].target is None


def test_some_cycles_end_in_an_error(demo):
    states = {demo.current_status(now=at(cycle * CYCLE_SECONDS + 3350)).state for cycle in range(30)}
    assert states == {"idle", "error"}


def test_the_finished_job_shows_how_it_ended(demo):
    endings = {demo.current_status(now=at(c * CYCLE_SECONDS + 3000)).active_job.status for c in range(30)}
    assert endings == {"completed", "failed"}
