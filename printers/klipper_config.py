"""Reading a printer.cfg back the way Klipper does, and checking it against Klipper's options.

Klipper (klippy/configfile.py) reads a config with Python's RawConfigParser, ``#`` and ``;``
starting a comment also after a value, and looks each option up with a type (getfloat, getint,
getboolean, getchoice, a pin). KLIPPER_OPTIONS lists, for every section this project writes, the
options Klipper's docs/Config_Reference.md gives it and their types; ``config_problems`` says what
in a text is not a section or option Klipper knows or not a value of its type, and what the [printer]'s
kinematics does not read (a delta's stepper_a/b/c have no position_min/max, a cartesian's steppers no arm_length;
a round bed mesh, mesh_radius, has no mesh_min/max) or a delta lacks.
"""

from __future__ import annotations

import configparser
import re

PIN = re.compile(r"^[~^]?!?(?:[A-Za-z][A-Za-z0-9_]*:)?[A-Za-z0-9_]+$")
VIRTUAL_ENDSTOP = re.compile(r"^(?:probe:z_virtual_endstop|tmc[0-9]+_[a-z0-9_]+:virtual_endstop)$")
SENSOR_TYPES = {
    "EPCOS 100K B57560G104F",
    "ATC Semitec 104GT-2",
    "ATC Semitec 104NT-4-R025H42G",
    "Generic 3950",
    "Honeywell 100K 135-104LAG-J01",
    "NTC 100K MGB18-104F39050L32",
    "SliceEngineering 450",
    "TDK NTCG104LH104JT1",
    "PT1000",
}

STEPPER: dict[str, object] = {
    "step_pin": "pin",
    "dir_pin": "pin",
    "enable_pin": "pin",
    "microsteps": "microsteps",
    "rotation_distance": "positive",
    "full_steps_per_rotation": "int",
    "gear_ratio": "text",
}
RAIL: dict[str, object] = {
    **STEPPER,
    "endstop_pin": "endstop",
    "position_endstop": "float",
    "position_min": "float",
    "position_max": "float",
    "homing_speed": "positive",
    "homing_retract_dist": "nonnegative",
    "homing_positive_dir": "bool",
    "second_homing_speed": "positive",
    "arm_length": "positive",  # delta towers only (DELTA_ONLY)
    "angle": "float",
}
HEATER: dict[str, object] = {
    "heater_pin": "pin",
    "sensor_type": "sensor",
    "sensor_pin": "pin",
    "control": ("pid", "watermark"),
    "pid_Kp": "float",
    "pid_Ki": "float",
    "pid_Kd": "float",
    "min_temp": "float",
    "max_temp": "positive",
    "max_power": "positive",
}
TMC_UART: dict[str, object] = {
    "uart_pin": "pin",
    "tx_pin": "pin",
    "uart_address": "int",
    "run_current": "positive",
    "hold_current": "positive",
    "sense_resistor": "positive",
    "stealthchop_threshold": "nonnegative",
    "interpolate": "bool",
}
TMC_SPI: dict[str, object] = {
    "cs_pin": "pin",
    "spi_bus": "text",
    "run_current": "positive",
    "hold_current": "positive",
    "sense_resistor": "positive",
    "stealthchop_threshold": "nonnegative",
    "interpolate": "bool",
    "diag1_pin": "pin",
    "driver_SGT": "int",
}
KLIPPER_OPTIONS: dict[str, dict[str, object]] = {
    "mcu": {"serial": "text", "canbus_uuid": "canbus_uuid", "baud": "int", "restart_method": "text"},
    "printer": {
        "kinematics": ("cartesian", "corexy", "corexz", "delta", "none"),
        "max_velocity": "positive",
        "max_accel": "positive",
        "max_z_velocity": "positive",
        "max_z_accel": "positive",
        "square_corner_velocity": "nonnegative",
        "delta_radius": "positive",
        "print_radius": "positive",
        "minimum_z_position": "float",
    },
    "stepper_": RAIL,
    "extruder": {
        **STEPPER,
        **HEATER,
        "nozzle_diameter": "positive",
        "filament_diameter": "positive",
        "min_extrude_temp": "float",
        "pressure_advance": "nonnegative",
    },
    "heater_bed": HEATER,
    "tmc2209": {**TMC_UART, "diag_pin": "pin", "driver_SGTHRS": "int"},
    "tmc2226": {**TMC_UART, "diag_pin": "pin", "driver_SGTHRS": "int"},
    "tmc2208": TMC_UART,
    "tmc5160": TMC_SPI,
    "tmc2130": TMC_SPI,
    "tmc2240": TMC_SPI,
    "fan": {"pin": "pin", "max_power": "positive", "kick_start_time": "nonnegative"},
    "heater_fan": {"pin": "pin", "heater": "text", "heater_temp": "float", "fan_speed": "positive"},
    "controller_fan": {"pin": "pin", "heater": "text", "stepper": "text", "idle_timeout": "int"},
    "bltouch": {
        "sensor_pin": "pin",
        "control_pin": "pin",
        "x_offset": "float",
        "y_offset": "float",
        "z_offset": "float",
    },
    "probe": {"pin": "pin", "x_offset": "float", "y_offset": "float", "z_offset": "float"},
    "safe_z_home": {
        "home_xy_position": "floats",
        "z_hop": "nonnegative",
        "z_hop_speed": "positive",
        "speed": "positive",
    },
    "bed_mesh": {
        "speed": "positive",
        "horizontal_move_z": "positive",
        "mesh_min": "floats",
        "mesh_max": "floats",
        "probe_count": "ints",
        "mesh_radius": "positive",
        "mesh_origin": "floats",
        "round_probe_count": "odd",
    },
    "delta_calibrate": {"radius": "positive", "speed": "positive", "horizontal_move_z": "positive"},
    "virtual_sdcard": {"path": "text"},
    "pause_resume": {"recover_velocity": "positive"},
    "display_status": {},
    "gcode_macro": {"gcode": "text", "description": "text", "rename_existing": "text"},
    "board_pins": {"mcu": "text", "aliases": "text"},
}
# What Klipper reads depends on the kinematics (and it refuses what it does not read): the steppers each kinematics
# has, the options only a delta reads, the ones a delta does not read, and the bed mesh's two shapes.
KINEMATICS_STEPPERS = {"cartesian": "xyz", "corexy": "xyz", "corexz": "xyz", "delta": "abc", "none": ""}
DELTA_ONLY = {
    "printer": {"delta_radius", "print_radius", "minimum_z_position"},
    "stepper_": {"arm_length", "angle"},
}
NOT_ON_A_DELTA = {"stepper_": {"position_min", "position_max"}}
ROUND_MESH = {"mesh_radius", "mesh_origin", "round_probe_count"}
RECTANGULAR_MESH = {"mesh_min", "mesh_max", "probe_count"}
# Sections that may appear once per name after a space ("tmc2209 stepper_x", "heater_fan hotend_fan").
NAMED = {
    "tmc2209",
    "tmc2226",
    "tmc2208",
    "tmc5160",
    "tmc2130",
    "tmc2240",
    "heater_fan",
    "controller_fan",
    "gcode_macro",
    "board_pins",
    "mcu",
}


def config_parse(text: str) -> configparser.RawConfigParser:
    """``text`` read as Klipper reads it (raises configparser.Error where Klipper would fail to)."""
    parser = configparser.RawConfigParser(strict=True, inline_comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # Klipper keeps the case (pid_Kp)
    parser.read_string(text)
    return parser


def _options_of(section: str) -> dict[str, object] | None:
    kind, _, name = section.partition(" ")
    if name and kind not in NAMED:
        return None
    if kind.startswith("stepper_") and not name:
        return KLIPPER_OPTIONS["stepper_"]
    return KLIPPER_OPTIONS.get(kind)


def _value_problem(kind: object, value: str) -> str | None:
    try:
        if isinstance(kind, tuple):
            return None if value in kind else f"one of {', '.join(kind)}"
        if kind == "pin":
            return None if PIN.match(value) else "a pin ([^~][!][mcu:]name)"
        if kind == "endstop":
            return None if PIN.match(value) or VIRTUAL_ENDSTOP.match(value) else "a pin or a virtual endstop"
        if kind == "sensor":
            return None if value in SENSOR_TYPES else "a sensor type Klipper knows"
        if kind == "int":
            int(value)
        elif kind == "microsteps":
            return None if int(value) in {1, 2, 4, 8, 16, 32, 64, 128, 256} else "a power of two up to 256"
        elif kind in ("float", "positive", "nonnegative"):
            number = float(value)
            if kind == "positive" and number <= 0:
                return "a number above 0"
            if kind == "nonnegative" and number < 0:
                return "a number of 0 or more"
        elif kind == "floats":
            [float(part) for part in value.split(",")]
        elif kind == "ints":
            [int(part) for part in value.split(",")]
        elif kind == "odd":
            return None if int(value) >= 3 and int(value) % 2 else "an odd number of 3 or more"
        elif kind == "bool":
            return None if value.lower() in ("true", "false", "0", "1") else "true or false"
        elif kind == "canbus_uuid":
            return None if re.fullmatch(r"[0-9a-f]{12}", value) else "12 hex digits"
    except ValueError:
        return f"a {kind} value"
    return None


def _kinematics_problems(parser: configparser.RawConfigParser) -> list[str]:
    """The steppers and options the [printer]'s kinematics does not read, and a bed mesh with both shapes' options."""
    problems = []
    kinematics = parser.get("printer", "kinematics", fallback="")
    delta = kinematics == "delta"
    steppers = KINEMATICS_STEPPERS.get(kinematics, "")
    for section in parser.sections() if kinematics in KINEMATICS_STEPPERS else []:
        stepper = re.fullmatch(r"stepper_([a-z])[0-9]*", section)
        if stepper and stepper[1] not in steppers:
            problems.append(f"[{section}] is not a stepper of {kinematics} kinematics")
        kind = "stepper_" if stepper else section
        unread = NOT_ON_A_DELTA.get(kind, set()) if delta else DELTA_ONLY.get(kind, set())
        problems += [
            f"[{section}] {key}: {kinematics} kinematics does not read it"
            for key in parser.options(section)
            if key in unread
        ]
    if delta:
        for section, key in (
            ("printer", "delta_radius"),
            ("stepper_a", "arm_length"),
            ("stepper_a", "position_endstop"),
        ):
            if not parser.has_option(section, key):
                problems.append(f"[{section}] {key}: a delta needs it")
    if parser.has_section("bed_mesh"):
        options = set(parser.options("bed_mesh"))
        round_mesh = "mesh_radius" in options
        unread = options & (RECTANGULAR_MESH if round_mesh else ROUND_MESH)
        shape = "round mesh (mesh_radius)" if round_mesh else "rectangular mesh (no mesh_radius)"
        problems += [f"[bed_mesh] {key}: a {shape} does not read it" for key in sorted(unread)]
    return problems


def config_problems(text: str) -> list[str]:
    """What in a printer.cfg Klipper would not accept (an empty list when it parses and every option is known)."""
    try:
        parser = config_parse(text)
    except configparser.Error as exc:
        return [f"does not parse: {exc}"]
    problems = []
    for section in parser.sections():
        options = _options_of(section)
        if options is None:
            problems.append(f"[{section}] is not a section this checker knows Klipper to have")
            continue
        for key, value in parser.items(section):
            if section.startswith("board_pins") and key.startswith("aliases"):
                continue
            if section.startswith("gcode_macro") and key.startswith("variable_"):
                continue
            if key not in options:
                problems.append(f"[{section}] {key}: not an option of this section")
                continue
            wrong = _value_problem(options[key], value.strip())
            if wrong:
                problems.append(f"[{section}] {key}: {value.strip()!r} is not {wrong}")
    return problems + _kinematics_problems(parser)
