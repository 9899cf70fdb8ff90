"""Printer definitions: the JSON Schema, then the rules it cannot state, each problem with its JSON path.

- every referenced board exists in the board catalog; "toolhead" references need a toolhead board;
- every stepper names a driver of its board, every connector exists on its board and fits its use
  (a heater connector for a heater, a thermistor for a thermistor, a fan for a fan, an endstop or
  probe connector for homing, a probe connector for the probe);
- no MCU pin is used twice, unless the board declares it shared (shared_signals) between those drivers;
- sensorless homing only on a driver with a DIAG pin and a UART or SPI line;
- the kinematics' axes are all there; delta printers are not described by version 1 yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from jsonschema import Draft202012Validator

from boards.validation import ValidationError, json_pointer
from printers.definitions import schema_load

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
    if data["kinematics"] == "delta":
        errors.append(
            ValidationError(
                "/kinematics", "delta printers (stepper_a/b/c, arm lengths) are not described by version 1 yet"
            )
        )
    elif data["kinematics"] != "none":
        for axis in ("x", "y", "z"):
            if axis not in data["axes"]:
                errors.append(ValidationError(f"/axes/{axis}", f"a {data['kinematics']} printer needs its {axis} axis"))
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
