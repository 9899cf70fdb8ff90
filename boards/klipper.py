"""Klipper's [board_pins] section, generated from and parsed back into aliases.

``board_pins_cfg`` writes one ``[board_pins <board id>]`` section for a board
definition: ``mcu: <name>`` for a board that is a second MCU, one alias per
connector contact that carries an MCU pin (``<CONNECTOR>_<number>=<pin>``, the
bare pin: modifiers belong where the alias is used, ``^EXP2_3``), the
``<GND>``/``<5V>``/``<RST>`` reservations of expansion headers as Klipper's own
board files write them, and a commented map of every connector and driver.

``board_pins_parse`` reads such sections back the way Klipper does
(klippy/configfile.py and klippy/extras/board_pins.py): everything from ``#`` on
a line is dropped, the rest goes through configparser (indented continuation
lines, ``;`` inline comments), then each ``aliases`` / ``aliases_*`` option is
split on ``,`` and each item on ``=``.
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping

from boards.validation import alias_problem, definition_aliases

RESERVED_PREFIX, RESERVED_SUFFIX = "<", ">"


def _connector_map(definition: Mapping) -> list[str]:
    drivers_by_connector: dict[str, list[Mapping]] = {}
    for driver in definition.get("drivers", []):
        for fed in driver["feeds"]:
            drivers_by_connector.setdefault(fed, []).append(driver)
    lines = []
    for connector in definition["connectors"]:
        parts = []
        for driver in drivers_by_connector.get(connector["id"], []):
            signals = ", ".join(f"{signal}={pin}" for signal, pin in driver["signals"].items())
            parts.append(f"{driver['id']} {signals}")
        for pin in connector["pins"]:
            parts.append(f"{pin['number']}={pin.get('mcu_pin') or pin.get('net')}")
        described = "; ".join(parts) if parts else "no MCU pins"
        label = "" if connector["label"] == connector["id"] else f", {connector['label']}"
        lines.append(f"#   {connector['id']} ({connector['kind']}{label}): {described}")
    return [line.replace("\n", " ") for line in lines]


def board_pins_cfg(definition: Mapping) -> str:
    """The ``[board_pins <id>]`` section of a (valid) board definition, as Klipper config text."""
    aliases = definition_aliases(definition)
    for name, _, _ in aliases:
        problem = alias_problem(name)
        if problem:
            raise ValueError(problem)
    lines = [f"# Pin aliases for {definition['name']} (KlipperIWC board definition {definition['id']})."]
    if any(connector["kind"] == "expansion" for connector in definition["connectors"]):
        numbering = definition["header_numbering"]["convention"]
        explained = " (Klipper/RepRapDiscount: EXP1_1 = beeper, EXP1_10 = 5V)" if numbering == "klipper" else ""
        lines.append(f"# Header numbering: {numbering}{explained}.")
    lines += [
        "# Values are bare pin names: put ^ ~ ! where an alias is used, e.g. ^HE0_SIG or !EXP1_2.",
        "# Connector map:",
        *_connector_map(definition),
        f"[board_pins {definition['id']}]",
    ]
    if definition.get("secondary_mcu"):
        lines.append(f"mcu: {definition['secondary_mcu']}")
    lines.append("aliases:")
    for index, (name, value, _) in enumerate(aliases):
        lines.append(f"    {name}={value}" + ("," if index < len(aliases) - 1 else ""))
    return "\n".join(lines) + "\n"


def _config_read(text: str) -> configparser.RawConfigParser:
    # configfile.py strips from the first '#' on every line before configparser sees it.
    stripped = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    parser = configparser.RawConfigParser(strict=False, inline_comment_prefixes=(";", "#"))
    parser.read_string(stripped)
    return parser


def board_pins_sections(text: str) -> dict[str, dict]:
    """Each [board_pins] / [board_pins NAME] section: {'mcu': [names], 'aliases': {name: value}}."""
    parser = _config_read(text)
    sections = {}
    for section in parser.sections():
        if section != "board_pins" and not section.startswith("board_pins "):
            continue
        mcus = [name.strip() for name in parser.get(section, "mcu", fallback="mcu").split(",") if name.strip()]
        if not parser.has_option(section, "aliases"):
            raise ValueError(f"Option 'aliases' in section '{section}' must be specified")
        options = ["aliases"] + [option for option in parser.options(section) if option.startswith("aliases_")]
        aliases: dict[str, str] = {}
        for option in options:
            for item in parser.get(section, option).split(","):
                if not item.strip():
                    continue
                parts = [part.strip() for part in item.split("=")]
                if len(parts) != 2:
                    raise ValueError(f"Option '{option}' in section '{section}' must have 2 elements: {item.strip()!r}")
                name, value = parts
                _alias_add(aliases, name, value)
        sections[section] = {"mcu": mcus, "aliases": aliases}
    return sections


def _alias_add(aliases: dict[str, str], name: str, value: str) -> None:
    if not name or not value:
        raise ValueError(f"Empty alias name or value in {name}={value}")
    if name in aliases and aliases[name] != value:
        raise ValueError(f"Alias {name} mapped to {aliases[name]} - can't alias to {value}")
    reserved = value.startswith(RESERVED_PREFIX) and value.endswith(RESERVED_SUFFIX)
    if not reserved and any(char in "^~!:" or char.isspace() for char in value):
        raise ValueError(f"Invalid pin alias '{value}'")
    aliases[name] = value


def board_pins_parse(text: str) -> dict[str, str]:
    """Every alias of every [board_pins] section in ``text``: name -> value as written.

    Reserved names map to their ``<GND>``-style value. A name given two
    different values, an item without exactly one ``=``, or a value with
    ``^ ~ ! :`` or spaces raises ValueError, as Klipper refuses them.
    """
    merged: dict[str, str] = {}
    for section in board_pins_sections(text).values():
        for name, value in section["aliases"].items():
            _alias_add(merged, name, value)
    return merged
