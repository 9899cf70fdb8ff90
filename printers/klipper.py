"""printer.cfg from a printer definition and its boards (printers/validation.py resolves them).

Every pin comes from the board definitions: drivers' step/dir/enable/UART/DIAG signals with the
board's default inversions (``!``), connector pins with their default pull (``^`` / ``~``) and
inversion, toolhead pins prefixed with the toolhead MCU's name (``EBBCan:PD0``). Mechanics come
from the printer definition (rotation distance from a belt's pitch x teeth or a lead screw's pitch
x starts). Values a user must check (serial port, CAN UUID, PID values, currents) carry a
``# TUNE`` comment. A delta printer gets its geometry in [printer], its towers as stepper_a/b/c (no
position_min/max: Klipper's delta does not read them), [delta_calibrate] and a round [bed_mesh] (mesh_radius,
round_probe_count); no [safe_z_home]. The section and option names are Klipper's (docs/Config_Reference.md); the
output parses with Klipper's config rules (printers/klipper_config.py checks it the same way).
"""

from __future__ import annotations

import math

from boards.klipper import board_pins_cfg
from printers.validation import DEFAULT_VELOCITY, Resolved, print_radius

SAFE_PID = {  # Klipper's sample values: a start, to be replaced by PID_CALIBRATE's
    "extruder": ("21.527", "1.063", "108.982"),
    "heater_bed": ("54.027", "0.770", "948.182"),
}
MACROS = """
# --- Standard macros a web interface needs (pause, resume, cancel) ---------------------------
[gcode_macro PAUSE]
description: Pause the print and park the head
rename_existing: PAUSE_BASE
gcode:
    PAUSE_BASE
    G91
    G1 E-1 F2100
    G1 Z10 F900
    G90

[gcode_macro RESUME]
description: Resume a paused print
rename_existing: RESUME_BASE
gcode:
    G91
    G1 E1 F2100
    G90
    RESUME_BASE

[gcode_macro CANCEL_PRINT]
description: Cancel the print, turn heaters and fans off
rename_existing: CANCEL_PRINT_BASE
gcode:
    TURN_OFF_HEATERS
    M106 S0
    CANCEL_PRINT_BASE
"""


def _number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def rotation_distance(stepper: dict) -> float:
    """Klipper's rotation_distance: given, or belt pitch x pulley teeth, or lead-screw pitch x starts."""
    if "rotation_distance" in stepper:
        return float(stepper["rotation_distance"])
    if "belt" in stepper:
        return stepper["belt"]["pitch"] * stepper["belt"]["pulley_teeth"]
    screw = stepper["lead_screw"]
    return screw["pitch"] * screw.get("starts", 1)


class _Writer:
    def __init__(self, resolved: Resolved) -> None:
        self.definition = resolved.definition
        self.boards = resolved.boards
        self.lines: list[str] = []

    def mcu_prefix(self, role: str) -> str:
        if role == "main":
            return ""
        return f"{self.boards[role].get('secondary_mcu') or 'toolhead'}:"

    def driver(self, stepper: dict) -> tuple[str, dict]:
        role = stepper.get("board", "main")
        return role, next(d for d in self.boards[role]["drivers"] if d["id"] == stepper["driver"])

    def connector_pin(self, ref: dict, *, function: str | None = None) -> str:
        role = ref.get("board", "main")
        connector = next(c for c in self.boards[role]["connectors"] if c["id"] == ref["connector"])
        pins = [p for p in connector["pins"] if "mcu_pin" in p]
        pin = next((p for p in pins if p["function"] == function), pins[0]) if function else pins[0]
        return self.pin(role, pin["mcu_pin"], pull=pin.get("default_pull"), invert=pin.get("default_invert", False))

    def pin(self, role: str, name: str, *, pull: str | None = None, invert: bool = False) -> str:
        return f"{pull or ''}{'!' if invert else ''}{self.mcu_prefix(role)}{name}"

    def section(self, name: str, *options: tuple[str, object, str]) -> None:
        self.lines.append(f"[{name}]")
        for key, value, comment in options:
            text = f"{key}: {value}"
            self.lines.append(f"{text}  # {comment}" if comment else text)
        self.lines.append("")

    def stepper_options(self, stepper: dict) -> list[tuple[str, object, str]]:
        role, driver = self.driver(stepper)
        inversions = driver.get("default_inversions", {})
        dir_inverted = bool(inversions.get("dir")) != bool(stepper.get("invert_dir"))
        options: list[tuple[str, object, str]] = [
            ("step_pin", self.pin(role, driver["signals"]["step"]), ""),
            (
                "dir_pin",
                self.pin(role, driver["signals"]["dir"], invert=dir_inverted),
                "TUNE: add or remove ! if it moves the wrong way",
            ),
            (
                "enable_pin",
                self.pin(role, driver["signals"]["enable"], invert=bool(inversions.get("enable", True))),
                "",
            ),
            ("microsteps", stepper["microsteps"], ""),
            ("rotation_distance", _number(rotation_distance(stepper)), self.rotation_note(stepper)),
        ]
        if stepper.get("full_steps_per_rotation"):
            options.append(("full_steps_per_rotation", stepper["full_steps_per_rotation"], ""))
        if stepper.get("gear_ratio"):
            options.append(("gear_ratio", stepper["gear_ratio"], ""))
        return options

    def rotation_note(self, stepper: dict) -> str:
        if "belt" in stepper:
            return f"{_number(stepper['belt']['pitch'])} mm belt pitch x {stepper['belt']['pulley_teeth']} pulley teeth"
        if "lead_screw" in stepper:
            screw = stepper["lead_screw"]
            return f"{_number(screw['pitch'])} mm lead-screw pitch x {screw.get('starts', 1)} starts"
        return (
            "TUNE: calibrate (measure 100 mm of filament)" if stepper is self.definition["extruder"]["stepper"] else ""
        )

    def driver_section(self, name: str, stepper: dict, *, sensorless: bool) -> None:
        role, driver = self.driver(stepper)
        signals = driver["signals"]
        kind = stepper.get("driver_type") or ("tmc2209" if signals.get("uart") else "standalone")
        if kind == "standalone":
            return
        options: list[tuple[str, object, str]] = []
        if kind in ("tmc5160", "tmc2130", "tmc2240"):
            options.append(("cs_pin", self.pin(role, signals.get("cs") or signals["uart"]), "SPI chip select"))
        else:
            options.append(("uart_pin", self.pin(role, signals["uart"]), ""))
            if signals.get("tx"):
                options.append(("tx_pin", self.pin(role, signals["tx"]), ""))
            if driver.get("uart_address") is not None:
                options.append(("uart_address", driver["uart_address"], ""))
        options.append(
            ("run_current", _number(stepper.get("run_current", 0.5)), "TUNE: the motor's rated current x 0.7")
        )
        if sensorless:
            options.append(("diag_pin", self.pin(role, signals["diag"], pull="^"), ""))
            if kind in ("tmc2209", "tmc2226"):
                options.append(("driver_SGTHRS", 100, "TUNE: sensorless homing sensitivity"))
        else:
            options.append(("stealthchop_threshold", 999999, ""))
        self.section(f"{kind} {name}", *options)

    def endstop_pin(self, homing: dict, name: str, stepper: dict) -> str:
        if "endstop" in homing:
            return self.connector_pin(homing["endstop"])
        if "sensorless" in homing:
            return f"{stepper.get('driver_type') or 'tmc2209'}_{name}:virtual_endstop"
        return "probe:z_virtual_endstop"

    def axis_sections(self) -> None:
        """[printer] and the x, y and z steppers (stepper_z1... for more Z motors) of a cartesian, corexy or corexz."""
        d = self.definition
        velocity = {key: d.get(key, default) for key, default in DEFAULT_VELOCITY.items()}
        self.section(
            "printer",
            ("kinematics", d["kinematics"], ""),
            *((key, _number(value), "TUNE" if key == "max_accel" else "") for key, value in velocity.items()),
        )
        volume = d["build_volume"]
        for axis in ("x", "y", "z"):
            spec = d["axes"].get(axis)
            if spec is None:
                continue
            homing = spec["homing"]
            sensorless = "sensorless" in homing
            for index, stepper in enumerate(spec["steppers"]):
                name = f"stepper_{axis}" if index == 0 else f"stepper_{axis}{index}"
                options = self.stepper_options(stepper)
                if index == 0:
                    options.append(("endstop_pin", self.endstop_pin(homing, name, stepper), ""))
                    if "probe" not in homing:
                        options.append(
                            ("position_endstop", _number(spec.get("position_endstop", spec.get("position_min", 0))), "")
                        )
                    options.append(("position_min", _number(spec.get("position_min", 0)), ""))
                    options.append(("position_max", _number(spec.get("position_max", volume[axis])), ""))
                    if spec.get("homing_speed"):
                        options.append(("homing_speed", _number(spec["homing_speed"]), ""))
                    if sensorless:
                        options.append(("homing_retract_dist", 0, "sensorless homing does not retract"))
                self.section(name, *options)
                self.driver_section(name, stepper, sensorless=sensorless)

    def delta_sections(self) -> None:
        """[printer] with the delta geometry and the towers' stepper_a, stepper_b and stepper_c (Klipper's delta reads
        no position_min or position_max of a tower; b and c take a's position_endstop and arm_length)."""
        d = self.definition
        geometry = d["delta"]
        max_velocity = d.get("max_velocity", DEFAULT_VELOCITY["max_velocity"])
        options: list[tuple[str, object, str]] = [
            ("kinematics", "delta", ""),
            ("max_velocity", _number(max_velocity), ""),
            ("max_accel", _number(d.get("max_accel", DEFAULT_VELOCITY["max_accel"])), "TUNE"),
            ("max_z_velocity", _number(d.get("max_z_velocity", max_velocity)), ""),
        ]
        if "max_z_accel" in d:
            options.append(("max_z_accel", _number(d["max_z_accel"]), ""))
        options += [
            ("delta_radius", _number(geometry["delta_radius"]), "TUNE: DELTA_CALIBRATE"),
            ("print_radius", _number(print_radius(d)), ""),
        ]
        if "minimum_z_position" in geometry:
            options.append(("minimum_z_position", _number(geometry["minimum_z_position"]), ""))
        self.section("printer", *options)
        endstop_a = d["axes"]["a"]["position_endstop"]
        for tower in ("a", "b", "c"):
            spec = d["axes"][tower]
            stepper, homing, name = spec["steppers"][0], spec["homing"], f"stepper_{tower}"
            sensorless = "sensorless" in homing
            options = self.stepper_options(stepper)
            options.append(("endstop_pin", self.endstop_pin(homing, name, stepper), ""))
            endstop = spec.get("position_endstop", endstop_a)
            if tower == "a" or endstop != endstop_a:
                options.append(
                    (
                        "position_endstop",
                        _number(endstop),
                        "TUNE: nozzle-to-bed height at the endstops; DELTA_CALIBRATE",
                    )
                )
            if tower == "a":
                options.append(("arm_length", _number(geometry["arm_length"]), "the diagonal rods, joint to joint"))
            if tower in geometry.get("angles", {}):
                options.append(("angle", _number(geometry["angles"][tower]), "TUNE: DELTA_CALIBRATE"))
            if spec.get("homing_speed"):
                options.append(("homing_speed", _number(spec["homing_speed"]), ""))
            if sensorless:
                options.append(("homing_retract_dist", 0, "sensorless homing does not retract"))
            self.section(name, *options)
            self.driver_section(name, stepper, sensorless=sensorless)

    def calibrate_radius(self) -> float:
        """DELTA_CALIBRATE's radius: the print radius less the probe's offset from the nozzle (at least half of it)."""
        d = self.definition
        probe = d.get("probe", {})
        reach = math.hypot(probe.get("x_offset", 0), probe.get("y_offset", 0))
        radius = print_radius(d)
        return math.floor(max(radius - reach, radius / 2))

    def write(self) -> str:
        d = self.definition
        main = self.boards["main"]
        self.lines += [
            f"# printer.cfg for {d['name']} (KlipperIWC printer definition {d['id']}).",
            f"# Main board: {main['name']} ({main['id']}, {main['mcu']['chip']}).",
        ]
        if "toolhead" in self.boards:
            toolhead, link = self.boards["toolhead"], d["boards"]["toolhead"]["connection"].upper()
            self.lines.append(f"# Toolhead board: {toolhead['name']} ({toolhead['id']}) over {link}.")
        self.lines += [
            "# Options marked TUNE are safe starting points: check each before the first print.",
            "",
        ]
        self.section(
            "mcu",
            (
                "serial",
                f"/dev/serial/by-id/usb-Klipper_{main['mcu']['chip']}_CHANGE-ME-if00",
                "TUNE: ls /dev/serial/by-id/*",
            ),
        )
        if "toolhead" in self.boards:
            name = self.mcu_prefix("toolhead").rstrip(":")
            if d["boards"]["toolhead"]["connection"] == "can":
                self.section(
                    f"mcu {name}",
                    (
                        "canbus_uuid",
                        "0123456789ab",
                        "TUNE: ~/klippy-env/bin/python ~/klipper/scripts/canbus_query.py can0",
                    ),
                )
            else:
                self.section(
                    f"mcu {name}",
                    (
                        "serial",
                        f"/dev/serial/by-id/usb-Klipper_{self.boards['toolhead']['mcu']['chip']}_CHANGE-ME-if00",
                        "TUNE: ls /dev/serial/by-id/*",
                    ),
                )
        volume = d["build_volume"]
        if d["kinematics"] == "delta":
            self.delta_sections()
        else:
            self.axis_sections()
        extruder = d["extruder"]
        kp, ki, kd = SAFE_PID["extruder"]
        self.section(
            "extruder",
            *self.stepper_options(extruder["stepper"]),
            ("nozzle_diameter", _number(extruder["nozzle_diameter"]), ""),
            ("filament_diameter", _number(extruder.get("filament_diameter", 1.75)), ""),
            ("heater_pin", self.connector_pin(extruder["heater"]), ""),
            ("sensor_type", extruder["sensor_type"], ""),
            ("sensor_pin", self.connector_pin(extruder["thermistor"]), ""),
            ("control", "pid", "TUNE: PID_CALIBRATE HEATER=extruder TARGET=210"),
            ("pid_Kp", kp, ""),
            ("pid_Ki", ki, ""),
            ("pid_Kd", kd, ""),
            ("min_temp", 0, ""),
            ("max_temp", _number(extruder.get("max_temp", 250)), ""),
        )
        self.driver_section("extruder", extruder["stepper"], sensorless=False)
        if "heated_bed" in d:
            bed = d["heated_bed"]
            kp, ki, kd = SAFE_PID["heater_bed"]
            self.section(
                "heater_bed",
                ("heater_pin", self.connector_pin(bed["heater"]), ""),
                ("sensor_type", bed["sensor_type"], ""),
                ("sensor_pin", self.connector_pin(bed["thermistor"]), ""),
                ("control", "pid", "TUNE: PID_CALIBRATE HEATER=heater_bed TARGET=60"),
                ("pid_Kp", kp, ""),
                ("pid_Ki", ki, ""),
                ("pid_Kd", kd, ""),
                ("min_temp", 0, ""),
                ("max_temp", _number(bed.get("max_temp", 120)), ""),
            )
        fans = d.get("fans", {})
        if "part" in fans:
            self.section("fan", ("pin", self.connector_pin(fans["part"]), "part cooling"))
        if "hotend" in fans:
            self.section(
                "heater_fan hotend_fan",
                ("pin", self.connector_pin(fans["hotend"]), ""),
                ("heater", "extruder", ""),
                ("heater_temp", "50.0", ""),
            )
        if "controller" in fans:
            self.section("controller_fan controller_fan", ("pin", self.connector_pin(fans["controller"]), ""))
        if "probe" in d:
            probe = d["probe"]
            offsets = [
                ("x_offset", _number(probe["x_offset"]), "TUNE"),
                ("y_offset", _number(probe["y_offset"]), "TUNE"),
                ("z_offset", _number(probe["z_offset"]), "TUNE: PROBE_CALIBRATE"),
            ]
            if probe["type"] == "bltouch":
                self.section(
                    "bltouch",
                    ("sensor_pin", self.connector_pin(probe["connector"], function="probe_in"), ""),
                    ("control_pin", self.connector_pin(probe["connector"], function="servo_pwm"), ""),
                    *offsets,
                )
            else:
                self.section("probe", ("pin", self.connector_pin(probe["connector"]), ""), *offsets)
            if d["axes"].get("z", {}).get("homing", {}).get("probe"):  # no [safe_z_home] on a delta
                self.section(
                    "safe_z_home",
                    ("home_xy_position", f"{_number(volume['x'] / 2)}, {_number(volume['y'] / 2)}", ""),
                    ("z_hop", 10, ""),
                )
        if d["kinematics"] == "delta":
            self.section("delta_calibrate", ("radius", _number(self.calibrate_radius()), "TUNE: the probed circle"))
        if "bed_mesh" in d and d["kinematics"] == "delta":
            mesh = d["bed_mesh"]
            self.section(
                "bed_mesh",
                ("speed", 120, ""),
                ("mesh_radius", _number(mesh["mesh_radius"]), "within the probe's reach"),
                ("mesh_origin", ", ".join(_number(v) for v in mesh.get("mesh_origin", (0, 0))), ""),
                ("round_probe_count", mesh["probe_count"][0] | 1, "odd: the centre is probed"),
            )
        elif "bed_mesh" in d:
            mesh = d["bed_mesh"]
            self.section(
                "bed_mesh",
                ("speed", 120, ""),
                ("mesh_min", ", ".join(_number(v) for v in mesh["mesh_min"]), "within the probe's reach"),
                ("mesh_max", ", ".join(_number(v) for v in mesh["mesh_max"]), ""),
                ("probe_count", ", ".join(str(v) for v in mesh["probe_count"]), ""),
            )
        self.section("virtual_sdcard", ("path", "~/printer_data/gcodes", ""))
        self.section("pause_resume")
        self.section("display_status")
        text = "\n".join(self.lines).rstrip() + "\n" + MACROS
        for role in ("main", "toolhead"):
            if role in self.boards:
                text += (
                    "\n# --- Pin aliases of the board (KlipperIWC board catalog) ----------------------------------\n"
                )
                text += board_pins_cfg(self.boards[role])
        return text


def printer_cfg(resolved: Resolved) -> str:
    """The whole printer.cfg text of a resolved (valid) printer definition."""
    return _Writer(resolved).write()
