"""The demo printer reports plausible fans, toolhead and layers, in its payload and as the schema says."""

from datetime import timedelta

import pytest

from status.api.serializers import status_payload, status_payload_via_serializer
from status.sources.demo import LAYER_HEIGHT, PRINT_END, PRINT_START, DemoSource
from status.tests.factories import T0, make_printer


@pytest.fixture
def demo():
    return DemoSource(seed=3, epoch=T0)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def fans(status):
    return {fan.name: fan.speed for fan in status.fans}


def test_while_printing_the_fans_run_and_the_toolhead_is_homed_at_the_layer(demo):
    status = demo.current_status(now=at(900))
    job = status.active_job
    assert status.state == "printing"
    assert fans(status) == {"fan": 1.0, "heater_fan hotend_fan": 1.0, "controller_fan electronics": 0.6}
    assert 80 <= job.total_layers < 400
    assert 1 <= job.current_layer <= job.total_layers
    assert status.toolhead.homed_axes == "xyz"
    assert status.toolhead.z == pytest.approx(job.current_layer * LAYER_HEIGHT)
    assert job.elapsed_seconds == 900 - PRINT_START
    assert job.thumbnail_url is None  # the demo has no files


def test_layers_climb_with_progress(demo):
    layers = [demo.current_status(now=at(s)).active_job.current_layer for s in (400, 900, 1400)]
    assert layers == sorted(layers)
    assert layers[0] < layers[-1]


def test_before_the_first_print_nothing_runs_and_nothing_is_homed(demo):
    status = demo.current_status(now=at(60))
    assert set(fans(status).values()) == {0.0}
    assert status.toolhead.homed_axes == ""
    assert status.active_job is None


def test_a_finished_job_has_all_its_layers_and_its_duration(demo):
    status = demo.current_status(now=at(PRINT_END + 60))
    job = status.active_job
    assert job.current_layer == job.total_layers
    assert job.elapsed_seconds == PRINT_END - PRINT_START
    assert fans(status)["fan"] == 0.0
    assert status.toolhead.z > job.total_layers * LAYER_HEIGHT  # parked above the print


def test_queued_jobs_have_no_layers_yet(demo):
    queued = [job for s in range(0, 3600 * 5, 3600) for job in demo.current_status(now=at(s)).queued_jobs]
    assert queued
    assert {(job.current_layer, job.total_layers, job.elapsed_seconds) for job in queued} == {(None, None, None)}


@pytest.mark.django_db
@pytest.mark.parametrize("second", [60, 900, 1600, PRINT_END + 60])
def test_the_payload_matches_the_documented_serializer(demo, second):
    printer = make_printer()
    status = demo.current_status(now=at(second))
    payload = status_payload(printer=printer, status=status)
    assert payload == status_payload_via_serializer(printer=printer, status=status)
    assert payload["toolhead"] is not None
    assert len(payload["fans"]) == 3
