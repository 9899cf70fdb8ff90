"""A delta printer (kinematics delta, towers a, b and c, its geometry in ``delta``) is valid for its board and gets
a printer.cfg Klipper's delta kinematics accepts: [printer] with delta_radius and print_radius, stepper_a/b/c on the
board's driver pins with arm_length on stepper_a and no position_min/max, [delta_calibrate], a round [bed_mesh],
and no [safe_z_home]."""

import pytest

from printers.klipper_config import config_parse, config_problems
from printers.services import printer_config

pytestmark = pytest.mark.django_db

TOWER_WIRING = {"a": ("DRIVER_X", "X_STOP"), "b": ("DRIVER_Y", "Y_STOP"), "c": ("DRIVER_Z", "Z_STOP")}


def delta_definition() -> dict:
    """A delta on an SKR Pico: its X, Y and Z drivers and endstops for the towers, its E driver for the extruder."""

    def tower(driver: str, endstop: str) -> dict:
        return {
            "steppers": [{"driver": driver, "microsteps": 16, "belt": {"pitch": 2, "pulley_teeth": 20}}],
            "homing_speed": 60,
            "homing": {"endstop": {"connector": endstop}},
        }

    axes = {name: tower(*wiring) for name, wiring in TOWER_WIRING.items()}
    axes["a"]["position_endstop"] = 300
    axes["c"]["position_endstop"] = 300.5  # b takes a's
    axes["b"].update(position_min=0, position_max=300)  # what Klipper's delta takes anyway: accepted, not written
    return {
        "schema_version": 1,
        "id": "delta-skr-pico",
        "name": "A delta on an SKR Pico",
        "manufacturer": "Generic",
        "kinematics": "delta",
        "boards": {"main": "btt-skr-pico-v1.0"},
        "build_volume": {"x": 220, "y": 220, "z": 300},
        "max_velocity": 300,
        "max_accel": 3000,
        "max_z_velocity": 150,
        "axes": axes,
        "delta": {"delta_radius": 140.5, "arm_length": 280.25, "minimum_z_position": -2, "angles": {"a": 210.5}},
        "extruder": {
            "stepper": {"driver": "DRIVER_E", "microsteps": 16, "rotation_distance": 22.6789511},
            "heater": {"connector": "HEATER_E"},
            "thermistor": {"connector": "TH_E"},
            "sensor_type": "EPCOS 100K B57560G104F",
            "nozzle_diameter": 0.4,
        },
        "heated_bed": {
            "heater": {"connector": "HEATER_BED"},
            "thermistor": {"connector": "TH_BED"},
            "sensor_type": "Generic 3950",
        },
        "fans": {"part": {"connector": "FAN_PART"}, "hotend": {"connector": "FAN_HEATBREAK"}},
        "probe": {
            "type": "inductive",
            "connector": {"connector": "PROBE"},
            "x_offset": 0,
            "y_offset": 20,
            "z_offset": 1,
        },
        "bed_mesh": {"mesh_radius": 90, "probe_count": [6, 6]},
    }


def _driver(board: dict, driver_id: str) -> dict:
    return next(d for d in board["drivers"] if d["id"] == driver_id)


def test_a_delta_gets_its_towers_geometry_and_round_mesh(catalog):
    from boards.selectors import board_get

    board = board_get(board_id="btt-skr-pico-v1.0").definition
    problems, text = printer_config(definition=delta_definition())

    assert problems == []
    assert config_problems(text) == []
    config = config_parse(text)
    assert config.get("printer", "kinematics") == "delta"
    assert config.get("printer", "delta_radius") == "140.5"
    assert config.get("printer", "print_radius") == "110"  # half the build volume's 220 mm
    assert config.get("printer", "minimum_z_position") == "-2"
    assert config.get("printer", "max_z_velocity") == "150"
    assert config.get("stepper_a", "arm_length") == "280.25"
    assert config.get("stepper_a", "angle") == "210.5"
    for tower, (driver_id, _endstop) in TOWER_WIRING.items():
        section, driver = f"stepper_{tower}", _driver(board, driver_id)
        signals, inverted = driver["signals"], driver["default_inversions"]
        assert config.get(section, "step_pin") == signals["step"]
        assert config.get(section, "dir_pin") == ("!" if inverted["dir"] else "") + signals["dir"]
        assert config.get(section, "enable_pin") == "!" + signals["enable"]
        assert config.get(section, "rotation_distance") == "40"  # 2 mm belt x 20 teeth
        assert config.get(section, "homing_speed") == "60"
        assert not config.has_option(section, "position_min")
        assert not config.has_option(section, "position_max")
        assert config.get(f"tmc2209 {section}", "uart_address") == str(driver["uart_address"])
    assert [config.get(f"stepper_{t}", "endstop_pin") for t in "abc"] == ["^gpio4", "^gpio3", "^gpio25"]
    assert config.get("stepper_a", "position_endstop") == "300"
    assert not config.has_option("stepper_b", "position_endstop")  # Klipper gives b stepper_a's
    assert config.get("stepper_c", "position_endstop") == "300.5"
    assert not config.has_option("stepper_b", "arm_length")
    assert config.get("extruder", "step_pin") == _driver(board, "DRIVER_E")["signals"]["step"]
    assert dict(config.items("bed_mesh")) == {
        "speed": "120",
        "mesh_radius": "90",
        "mesh_origin": "0, 0",
        "round_probe_count": "7",  # probe_count 6, made odd
    }
    assert config.get("delta_calibrate", "radius") == "90"  # the 110 mm print radius less the probe's 20 mm offset
    sections = set(config.sections())
    assert not sections & {"stepper_x", "stepper_y", "stepper_z", "safe_z_home"}
    assert {"stepper_a", "stepper_b", "stepper_c", "extruder", "heater_bed", "probe"} <= sections
    assert "delta_radius: 140.5  # TUNE: DELTA_CALIBRATE" in text


def test_a_delta_homes_its_towers_sensorless_on_a_board_with_diag(catalog):
    definition = delta_definition()
    definition["boards"]["main"] = "btt-octopus-v1.1"
    for tower, driver in zip("abc", ("DRIVER0", "DRIVER1", "DRIVER2"), strict=True):
        definition["axes"][tower]["steppers"][0]["driver"] = driver
        definition["axes"][tower]["homing"] = {"sensorless": True}
    definition["extruder"].update(
        stepper={"driver": "DRIVER3", "microsteps": 16, "rotation_distance": 22.6789511},
        heater={"connector": "HE0"},
        thermistor={"connector": "T0"},
    )
    definition["heated_bed"].update(heater={"connector": "BED"}, thermistor={"connector": "TB"})
    definition["fans"] = {"part": {"connector": "FAN0"}}
    definition["probe"]["connector"] = {"connector": "BLTOUCH"}
    definition["bed_mesh"]["mesh_origin"] = [0, 10]

    problems, text = printer_config(definition=definition)

    assert problems == []
    assert config_problems(text) == []
    config = config_parse(text)
    for tower, diag in zip("abc", ("PG6", "PG9", "PG10"), strict=True):
        assert config.get(f"stepper_{tower}", "endstop_pin") == f"tmc2209_stepper_{tower}:virtual_endstop"
        assert config.get(f"stepper_{tower}", "homing_retract_dist") == "0"
        assert config.get(f"tmc2209 stepper_{tower}", "diag_pin") == f"^{diag}"
    assert config.get("bed_mesh", "mesh_origin") == "0, 10"
