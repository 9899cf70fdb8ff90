"""Klipper refuses options it does not read, and what it reads depends on the kinematics: the printer.cfg checker
refuses position_min/max on a delta's towers, a cartesian's stepper_a or arm_length, a delta without delta_radius
or arm_length, and a bed mesh mixing the round (mesh_radius) and rectangular (mesh_min/max) options."""

from printers.klipper_config import config_problems

DELTA = """[printer]
kinematics: delta
max_velocity: 300
max_accel: 3000
delta_radius: 140
[stepper_a]
step_pin: PA1
position_endstop: 300
arm_length: 280
[stepper_b]
step_pin: PA2
[stepper_c]
step_pin: PA3
angle: 90.5
"""
CARTESIAN = """[printer]
kinematics: cartesian
max_velocity: 300
max_accel: 3000
[stepper_x]
step_pin: PA1
position_min: 0
position_max: 200
"""


def test_a_delta_and_a_cartesian_each_pass_with_their_own_options():
    assert config_problems(DELTA) == []
    assert config_problems(DELTA + "[bed_mesh]\nmesh_radius: 90\nmesh_origin: 0, 0\nround_probe_count: 5\n") == []
    assert config_problems(CARTESIAN) == []
    assert config_problems(CARTESIAN + "[bed_mesh]\nmesh_min: 10, 10\nmesh_max: 190, 190\nprobe_count: 5, 5\n") == []


def test_a_delta_tower_has_no_travel_limits_and_a_delta_needs_its_geometry():
    assert config_problems(DELTA.replace("[stepper_b]\n", "[stepper_b]\nposition_max: 300\n")) == [
        "[stepper_b] position_max: delta kinematics does not read it"
    ]
    assert config_problems(DELTA + "[stepper_x]\nstep_pin: PA4\n") == [
        "[stepper_x] is not a stepper of delta kinematics"
    ]
    assert config_problems(DELTA.replace("arm_length: 280\n", "")) == ["[stepper_a] arm_length: a delta needs it"]
    assert config_problems(DELTA.replace("delta_radius: 140\n", "")) == ["[printer] delta_radius: a delta needs it"]


def test_a_cartesian_has_no_towers_and_no_delta_geometry():
    assert config_problems(CARTESIAN + "[stepper_a]\nstep_pin: PA4\n") == [
        "[stepper_a] is not a stepper of cartesian kinematics"
    ]
    assert config_problems(CARTESIAN + "arm_length: 280\n") == [
        "[stepper_x] arm_length: cartesian kinematics does not read it"
    ]
    assert config_problems(CARTESIAN.replace("[stepper_x]", "print_radius: 100\n[stepper_x]")) == [
        "[printer] print_radius: cartesian kinematics does not read it"
    ]


def test_a_round_mesh_is_not_a_rectangle_and_its_probe_count_is_odd():
    assert config_problems(DELTA + "[bed_mesh]\nmesh_radius: 90\nmesh_min: 10, 10\n") == [
        "[bed_mesh] mesh_min: a round mesh (mesh_radius) does not read it"
    ]
    assert config_problems(CARTESIAN + "[bed_mesh]\nmesh_min: 10, 10\nmesh_max: 190, 190\nmesh_origin: 0, 0\n") == [
        "[bed_mesh] mesh_origin: a rectangular mesh (no mesh_radius) does not read it"
    ]
    assert config_problems(DELTA + "[bed_mesh]\nmesh_radius: 90\nround_probe_count: 6\n") == [
        "[bed_mesh] round_probe_count: '6' is not an odd number of 3 or more"
    ]
