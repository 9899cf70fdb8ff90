"""A delta definition without its towers or geometry, or with what Klipper's delta kinematics does not read, is
refused with each problem at its JSON path; so are towers, delta geometry or a round mesh on a cartesian printer."""

import copy

import pytest

from printers.definitions import printer_definition
from printers.services import printer_config
from printers.tests.test_a_delta_printer_generates_towers_klipper_accepts import delta_definition

pytestmark = pytest.mark.django_db


def _problems(definition: dict) -> dict[str, str]:
    problems, text = printer_config(definition=definition)
    assert text is None
    return {problem.path: problem.message for problem in problems}


def _delta(change) -> dict[str, str]:
    definition = delta_definition()
    change(definition)
    return _problems(definition)


def _cartesian(change) -> dict[str, str]:
    shipped = printer_definition("creality-ender3-skr-mini-e3-v3")
    assert shipped is not None
    definition = copy.deepcopy(shipped)
    change(definition)
    return _problems(definition)


def test_a_delta_needs_its_three_towers_and_its_geometry(catalog):
    problems = _delta(lambda d: d["axes"].pop("c"))
    assert problems == {"/axes/c": "a delta printer needs its tower c (stepper_c)"}

    problems = _delta(lambda d: d.pop("delta"))
    assert problems == {"/delta": "a delta printer needs its geometry: delta_radius and arm_length"}

    problems = _delta(lambda d: d["axes"]["a"].pop("position_endstop"))
    assert set(problems) == {"/axes/a/position_endstop"}


def test_a_delta_has_no_x_y_or_z_axis_and_a_cartesian_no_tower(catalog):
    problems = _delta(lambda d: d["axes"].update(x=copy.deepcopy(d["axes"]["a"])))
    assert set(problems) == {"/axes/x"}

    problems = _cartesian(lambda d: d["axes"].update(a=copy.deepcopy(d["axes"]["x"])))
    assert set(problems) == {"/axes/a"}

    problems = _cartesian(lambda d: d.update(delta={"delta_radius": 140, "arm_length": 280}))
    assert set(problems) == {"/delta"}


def test_a_tower_has_one_stepper_and_no_travel_limits(catalog):
    second = {"driver": "DRIVER_E", "microsteps": 16, "rotation_distance": 40}
    problems = _delta(lambda d: d["axes"]["a"]["steppers"].append(second))
    assert problems == {"/axes/a/steppers": "a delta tower has exactly one stepper (its carriage's)"}

    problems = _delta(lambda d: d["axes"]["b"].update(position_min=-5, position_max=280))
    assert set(problems) == {"/axes/b/position_min", "/axes/b/position_max"}
    assert (
        "does not read position_max: a tower travels from 0 to its position_endstop (300)"
        in problems["/axes/b/position_max"]
    )

    problems = _delta(lambda d: d["axes"]["a"].update(homing={"probe": True}))
    assert set(problems) == {"/axes/a/homing"}


def test_a_delta_geometry_klipper_would_refuse(catalog):
    problems = _delta(lambda d: d["delta"].update(arm_length=140.5))
    assert set(problems) == {"/delta/arm_length"}

    problems = _delta(lambda d: d["delta"].update(print_radius=150))
    assert set(problems) == {"/delta/print_radius"}

    problems = _delta(lambda d: d["build_volume"].update(x=300, y=300))  # the default print radius, 150 mm
    assert set(problems) == {"/build_volume"}

    problems = _delta(lambda d: d["delta"].update(minimum_z_position=301))
    assert set(problems) == {"/delta/minimum_z_position"}

    problems = _delta(lambda d: d.update(max_z_velocity=400))
    assert set(problems) == {"/max_z_velocity"}


def test_a_delta_bed_mesh_is_round_and_a_cartesian_one_rectangular(catalog):
    problems = _delta(lambda d: d["bed_mesh"].update(mesh_min=[10, 10]))
    assert set(problems) == {"/bed_mesh/mesh_min"}

    problems = _delta(
        lambda d: d.update(bed_mesh={"mesh_min": [-80, -80], "mesh_max": [80, 80], "probe_count": [5, 5]})
    )
    assert set(problems) == {"/bed_mesh/mesh_min", "/bed_mesh/mesh_max"}

    problems = _delta(lambda d: d["bed_mesh"].pop("mesh_radius"))  # neither a rectangle nor a radius: the schema's
    assert set(problems) == {"/bed_mesh"}

    problems = _cartesian(lambda d: d.update(bed_mesh={"mesh_radius": 90, "probe_count": [5, 5]}))
    assert set(problems) == {"/bed_mesh/mesh_radius"}


def test_towers_are_checked_against_the_board_like_every_axis(catalog):
    problems = _delta(lambda d: d["axes"]["b"]["steppers"][0].update(driver="DRIVER9"))
    assert set(problems) == {"/axes/b/steppers/0/driver"}

    problems = _delta(lambda d: d["axes"]["c"]["homing"].update(endstop={"connector": "FAN_PART"}))
    assert problems == {"/axes/c/homing/endstop/connector": "FAN_PART is a fan connector, not an endstop connector"}

    problems = _delta(lambda d: d["axes"]["b"]["homing"].update(endstop={"connector": "X_STOP"}))
    assert "used twice" in problems["/axes/b/homing/endstop/connector"]

    problems = _delta(lambda d: d["axes"]["a"].update(homing={"sensorless": True}))  # the Pico's drivers have no DIAG
    assert "DIAG" in problems["/axes/a/homing"]
