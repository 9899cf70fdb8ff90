"""Printer definitions: the JSON Schema, then the rules it cannot state, each problem with its JSON path.

- every referenced board exists in the board catalog; "toolhead" references need a toolhead board;
- every stepper names a driver of its board, every connector exists on its board and fits its use
  (a heater connector for a heater, a thermistor for a thermistor, a fan for a fan, an endstop or
  probe connector for homing, a probe connector for the probe);
- no MCU pin is used twice, unless the board declares it shared (shared_signals) between those drivers;
- sensorless homing only on a driver with a DIAG pin and a UART or SPI line;
- the kinematics' axes are all there: x, y and z for cartesian, corexy and corexz; the towers a, b and c and the
  delta geometry for a delta (and no axis of the other kind);
- a delta tower has one stepper, homes to an endstop or sensorless (not with the probe) and has no position_min or
  position_max other than 0 and its position_endstop (Klipper's delta reads neither); tower a gives
  position_endstop; arm_length is longer than delta_radius, print_radius at most delta_radius, minimum_z_position
  below the endstops, max_z_velocity / max_z_accel at most max_velocity / max_accel;
- a delta's bed mesh is round (mesh_radius, mesh_origin), every other printer's a rectangle (mesh_min, mesh_max).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from jsonschema import Draft202012Validator

from boards.validation import ValidationError, json_pointer
from printers.definitions import schema_load

AXES = ("x", "y", "z")
TOWERS = ("a", "b", "c")
# What printer.cfg gets where a definition gives none (a delta's max_z_velocity defaults to its max_velocity).
DEFAULT_VELOCITY = {"max_velocity": 300, "max_accel": 3000, "max_z_velocity": 5, "max_z_accel": 100}
FITS = {
    "heater": ({"heater", "bed_heater"}, "a heater connector"),
    "bed_heater": ({"bed_heater", "heater"}, "a heater connector"),
    "thermistor": ({"thermistor"}, "a thermistor connector"),
    "fan": ({"fan"}, "a fan connector"),
    "endstop": ({"endstop", "probe"}, "an endstop connector"),
    "probe": ({"probe", "endstop"}, "a probe connector"),
}


@cache
def _schema_validator() -> Draft202012Validator:
    return Draft202012Validator(schema_load())


@dataclass(frozen=True)
class Resolved:
    """A valid printer definition with its boards: role -> board definition."""

    definition: dict
    boards: dict[str, dict]


def _refs(definition: dict):
    """(JSON path, kind of use, reference) of every stepper and connector the definition names."""
    for axis, spec in definition.get("axes", {}).items():
        for index, stepper in enumerate(spec["steppers"]):
            yield f"/axes/{axis}/steppers/{index}", "stepper", stepper
        homing = spec["homing"]
        if "endstop" in homing:
            yield f"/axes/{axis}/homing/endstop", "endstop", homing["endstop"]
    extruder = definition["extruder"]
    yield "/extruder/stepper", "stepper", extruder["stepper"]
    yield "/extruder/heater", "heater", extruder["heater"]
    yield "/extruder/thermistor", "thermistor", extruder["thermistor"]
    if "heated_bed" in definition:
        yield "/heated_bed/heater", "bed_heater", definition["heated_bed"]["heater"]
        yield "/heated_bed/thermistor", "thermistor", definition["heated_bed"]["thermistor"]
    for name, fan in definition.get("fans", {}).items():
        yield f"/fans/{name}", "fan", fan
    if "probe" in definition:
        yield "/probe/connector", "probe", definition["probe"]["connector"]


def _delta_problems(data: dict) -> list[ValidationError]:
    """What a delta printer's towers and geometry lack or hold that Klipper's delta kinematics would refuse."""
    errors: list[ValidationError] = []
    axes = data["axes"]
    for tower in TOWERS:
        spec = axes.get(tower)
        if spec is None:
            errors.append(
                ValidationError(f"/axes/{tower}", f"a delta printer needs its tower {tower} (stepper_{tower})")
            )
            continue
        if len(spec["steppers"]) != 1:
            errors.append(
                ValidationError(f"/axes/{tower}/steppers", "a delta tower has exactly one stepper (its carriage's)")
            )
        # Klipper's delta reads neither: a tower travels from 0 to its position_endstop. Given, they must say so.
        endstop = spec.get("position_endstop", axes.get("a", {}).get("position_endstop"))
        for key, travel in (("position_min", 0), ("position_max", endstop)):
            if key in spec and travel is not None and spec[key] != travel:
                errors.append(
                    ValidationError(
                        f"/axes/{tower}/{key}",
                        f"Klipper's delta kinematics does not read {key}: a tower travels from 0 to its "
                        f"position_endstop ({endstop}); leave {key} out",
                    )
                )
        if "probe" in spec["homing"]:
            errors.append(
                ValidationError(
                    f"/axes/{tower}/homing",
                    "a delta tower homes to an endstop at its top (or sensorless), not to the probe",
                )
            )
    if "a" in axes and "position_endstop" not in axes["a"]:
        errors.append(
            ValidationError(
                "/axes/a/position_endstop",
                "tower a needs position_endstop: the nozzle's height above the bed with the carriages at the endstops",
            )
        )
    geometry = data.get("delta")
    if geometry is None:
        errors.append(ValidationError("/delta", "a delta printer needs its geometry: delta_radius and arm_length"))
        return errors
    radius = geometry["delta_radius"]
    if geometry["arm_length"] <= radius:
        errors.append(ValidationError("/delta/arm_length", f"the arms must be longer than delta_radius ({radius} mm)"))
    if print_radius(data) > radius:
        path, what = (
            ("/delta/print_radius", "print_radius")
            if "print_radius" in geometry
            else ("/build_volume", "half of build_volume x and y (the default print_radius)")
        )
        errors.append(
            ValidationError(path, f"{what} reaches beyond delta_radius ({radius} mm): the head would hit a tower")
        )
    endstops = {tower: axes[tower]["position_endstop"] for tower in TOWERS if "position_endstop" in axes.get(tower, {})}
    lowest = geometry.get("minimum_z_position", 0)
    if endstops and lowest >= min(endstops.values()):
        tower = min(endstops, key=endstops.__getitem__)
        errors.append(
            ValidationError(
                "/delta/minimum_z_position" if "minimum_z_position" in geometry else f"/axes/{tower}/position_endstop",
                f"minimum_z_position ({lowest} mm) must be below every tower's position_endstop "
                f"(tower {tower}'s is {endstops[tower]} mm)",
            )
        )
    for key, limit in (("max_z_velocity", "max_velocity"), ("max_z_accel", "max_accel")):
        top = data.get(limit, DEFAULT_VELOCITY[limit])
        if key in data and data[key] > top:
            errors.append(ValidationError(f"/{key}", f"a delta's {key} is at most its {limit} ({top})"))
    return errors


def _kinematics_problems(data: dict) -> list[ValidationError]:
    """The axes (or towers), delta geometry and bed-mesh shape the kinematics needs, each problem at its path."""
    kinematics, axes = data["kinematics"], data["axes"]
    errors: list[ValidationError] = []
    mesh = data.get("bed_mesh", {})
    if kinematics == "delta":
        for axis in AXES:
            if axis in axes:
                errors.append(
                    ValidationError(f"/axes/{axis}", f"a delta printer has towers a, b and c, no {axis} axis")
                )
        errors += _delta_problems(data)
        for key in ("mesh_min", "mesh_max"):
            if key in mesh:
                errors.append(
                    ValidationError(
                        f"/bed_mesh/{key}",
                        "a delta's bed mesh is round: mesh_radius (and mesh_origin), not mesh_min/max",
                    )
                )
        return errors
    for tower in TOWERS:
        if tower in axes:
            errors.append(
                ValidationError(f"/axes/{tower}", f"a {kinematics} printer has no tower {tower}: towers are a delta's")
            )
    if "delta" in data:
        errors.append(ValidationError("/delta", f"delta geometry is for a delta printer, not a {kinematics} one"))
    if kinematics != "none":
        for axis in AXES:
            if axis not in axes:
                errors.append(ValidationError(f"/axes/{axis}", f"a {kinematics} printer needs its {axis} axis"))
    for key in ("mesh_radius", "mesh_origin"):
        if key in mesh:
            errors.append(
                ValidationError(
                    f"/bed_mesh/{key}", f"a round mesh ({key}) is a delta's; a {kinematics} printer gives mesh_min/max"
                )
            )
    return errors


def print_radius(definition: dict) -> float:
    """A delta's printable radius: delta.print_radius, or half the smaller of build_volume x and y."""
    volume = definition["build_volume"]
    return float(definition["delta"].get("print_radius", min(volume["x"], volume["y"]) / 2))


def printer_validate(
    data: object, *, board_lookup: Callable[[str], Mapping | None]
) -> tuple[list[ValidationError], Resolved | None]:
    """All problems of a printer definition (empty when valid) and, when valid, it with its boards."""
    errors = [ValidationError(json_pointer(e.absolute_path), e.message) for e in _schema_validator().iter_errors(data)]
    if errors:
        return errors, None
    assert isinstance(data, dict)
    boards: dict[str, dict] = {}
    main = board_lookup(data["boards"]["main"])
    if main is None:
        errors.append(ValidationError("/boards/main", f"no board {data['boards']['main']!r} in the board catalog"))
    else:
        boards["main"] = dict(main)
    toolhead = data["boards"].get("toolhead")
    if toolhead:
        found = board_lookup(toolhead["board"])
        if found is None:
            errors.append(
                ValidationError("/boards/toolhead/board", f"no board {toolhead['board']!r} in the board catalog")
            )
        else:
            boards["toolhead"] = dict(found)
    errors += _kinematics_problems(data)
    if errors:
        return errors, None

    used: dict[str, list[tuple[str, str, str]]] = {}  # "role:pin" -> [(path, board role, driver or connector id)]
    for path, use, ref in _refs(data):
        role = ref.get("board", "main")
        board = boards.get(role)
        if board is None:
            errors.append(ValidationError(f"{path}/board", "the printer has no toolhead board (boards/toolhead)"))
            continue
        if use == "stepper":
            driver = next((d for d in board["drivers"] if d["id"] == ref["driver"]), None)
            if driver is None:
                names = ", ".join(d["id"] for d in board["drivers"]) or "none"
                errors.append(
                    ValidationError(f"{path}/driver", f"{board['id']} has no driver {ref['driver']!r} (it has {names})")
                )
                continue
            for signal in ("step", "dir", "enable"):
                used.setdefault(f"{role}:{driver['signals'][signal]}", []).append(
                    (f"{path}/driver", role, driver["id"])
                )
            continue
        connector = next((c for c in board["connectors"] if c["id"] == ref["connector"]), None)
        if connector is None:
            errors.append(ValidationError(f"{path}/connector", f"{board['id']} has no connector {ref['connector']!r}"))
            continue
        kinds, wanted = FITS[use]
        if connector["kind"] not in kinds:
            errors.append(
                ValidationError(
                    f"{path}/connector", f"{connector['id']} is a {connector['kind']} connector, not {wanted}"
                )
            )
            continue
        pins = [p for p in connector["pins"] if "mcu_pin" in p]
        if not pins:
            errors.append(ValidationError(f"{path}/connector", f"{connector['id']} carries no MCU pin"))
        for pin in pins:
            used.setdefault(f"{role}:{pin['mcu_pin']}", []).append((f"{path}/connector", role, connector["id"]))
    for axis, spec in data.get("axes", {}).items():
        if "sensorless" in spec["homing"]:
            for index, stepper in enumerate(spec["steppers"]):
                board = boards.get(stepper.get("board", "main"))
                driver = next((d for d in (board or {}).get("drivers", []) if d["id"] == stepper["driver"]), None)
                if driver is not None and not (
                    driver["signals"].get("diag") and (driver["signals"].get("uart") or driver["signals"].get("cs"))
                ):
                    errors.append(
                        ValidationError(
                            f"/axes/{axis}/homing", f"sensorless homing needs a DIAG pin; {driver['id']} has none"
                        )
                    )
                if stepper.get("driver_type") == "standalone":
                    errors.append(
                        ValidationError(
                            f"/axes/{axis}/steppers/{index}/driver_type",
                            "sensorless homing needs a TMC driver, not a standalone one",
                        )
                    )
    for key, users in used.items():
        if len({path for path, _role, _name in users}) < 2:
            continue  # one use (a driver's step, dir and enable are three different pins)
        distinct = {(role, name) for _path, role, name in users}
        role, pin = key.split(":", 1)
        # The same connector or driver twice is never shared; different ones only where the board says so.
        shared = len(distinct) > 1 and any(
            signal["mcu_pin"] == pin
            and {name for _r, name in distinct} <= set(signal.get("drivers", [])) | set(signal.get("connectors", []))
            for signal in boards[role].get("shared_signals", [])
        )
        if not shared:
            names = " and ".join(sorted({name for _r, name in distinct}))
            errors.append(
                ValidationError(
                    users[1][0], f"MCU pin {pin} is used twice ({names}) and the board does not declare it shared"
                )
            )
    if errors:
        return errors, None
    return [], Resolved(definition=data, boards=boards)
