"""Board definitions: the JSON Schema check and the rules beyond it.

Pure functions on plain data (dicts as loaded from JSON); no Django. A board
definition is checked in two steps:

1. ``schema/board-definition.v1.json`` (JSON Schema draft 2020-12). When it
   fails, those errors are returned alone: the rules below assume its shape.
2. The rules a schema cannot say:

   - ids are unique (sources, images, drivers; connectors case-insensitively,
     since aliases are upper-cased) and every reference resolves (a pin's or
     connector's ``source``, ``label_source``, ``feeds``, ``geometry.image``,
     ``shared_signals`` members, a driver's ``facts`` keys);
   - every MCU pin name is valid for the chip family (STM32/GD32 ``PA0``..``PK15``
     and ``ADC_TEMPERATURE``, SAM ``PA0``..``PE31``, AVR ``PA0``..``PL7``, LPC176x
     ``P0.0``..``P4.31``, RP2040 ``gpio0``..``gpio29``, Linux ``gpioN``,
     ``gpiochipN/gpioN``, ``analogN``);
   - a ``thermistor_adc`` pin is ADC-capable: per chip for the chips in
     ``ADC_PINS`` (tables from Klipper's firmware sources), else by the
     family's rule (RP2040 ``gpio26``-``gpio29``, Linux ``analogN``; other
     families accept any valid pin);
   - one MCU pin, one user. Users are connectors and drivers. A driver signal
     that also appears on a connector the driver ``feeds`` counts as the
     driver's (same signal, same wire). A driver may list one pin under two
     signals (``uart`` and ``cs`` share the pin on socketed drivers). Any other
     pin with more than one user must be declared in ``shared_signals``, naming
     every user; an entry must name at least two users, each of which uses it;
   - generated alias names (``<CONNECTOR>_<pin number>``, see boards/klipper.py)
     are made of ``[A-Za-z0-9_]`` only (so free of ``^ ~ ! :`` and spaces) and
     unique on the board;
   - drivers that share a UART pin have distinct ``uart_address`` values;
   - a rectangle drawn on an image stays inside it; a secondary MCU is not
     named ``mcu`` (Klipper's name for the main one).

``pin_facts_check`` then compares every pin against the extracted facts of the
source it names (``sources/<kind>/<file>.pins.json``).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError as JsonSchemaError

BOARDS_DIR = Path(__file__).resolve().parent
SCHEMA_PATH = BOARDS_DIR / "schema" / "board-definition.v1.json"
DEFINITIONS_DIR = BOARDS_DIR / "definitions"
SOURCES_DIR = BOARDS_DIR / "sources"

PIN_NAMES = {
    "stm32": re.compile(r"^(?:P[A-K](?:[0-9]|1[0-5])|ADC_TEMPERATURE)$"),
    "gd32": re.compile(r"^(?:P[A-K](?:[0-9]|1[0-5])|ADC_TEMPERATURE)$"),
    "sam": re.compile(r"^P[A-E](?:[0-9]|[12][0-9]|3[01])$"),
    "avr": re.compile(r"^P[A-HJ-L][0-7]$"),
    "lpc176x": re.compile(r"^P[0-4]\.(?:[0-9]|[12][0-9]|3[01])$"),
    "rp2040": re.compile(r"^gpio(?:[0-9]|1[0-9]|2[0-9])$"),
    "linux": re.compile(
        r"^(?:gpio(?:0|[1-9][0-9]*)|gpiochip(?:0|[1-9][0-9]*)/gpio(?:0|[1-9][0-9]*)|analog(?:0|[1-9][0-9]*))$"
    ),
}

PIN_NAME_HINTS = {
    "stm32": "PA0..PK15 or ADC_TEMPERATURE",
    "gd32": "PA0..PK15 or ADC_TEMPERATURE",
    "sam": "PA0..PE31",
    "avr": "PA0..PL7",
    "lpc176x": "P0.0..P4.31",
    "rp2040": "gpio0..gpio29",
    "linux": "gpioN, gpiochipN/gpioN or analogN",
}


def _pins(*names: str) -> frozenset[str]:
    return frozenset(names)


_STM32_COMMON = ("PA0", "PA1", "PA2", "PA3", "PA4", "PA5", "PA6", "PA7", "PB0", "PB1")
# ADC-capable pins per chip, as listed in Klipper's firmware (src/stm32/adc.c,
# stm32f0_adc.c, stm32h7_adc.c): a thermistor elsewhere fails with "Not a valid ADC pin".
ADC_PINS: dict[str, frozenset[str]] = {
    "stm32f103": _pins(*_STM32_COMMON, "PC0", "PC1", "PC2", "PC3", "PC4", "PC5", "ADC_TEMPERATURE"),
    "stm32f446": _pins(
        *_STM32_COMMON,
        *("PC0", "PC1", "PC2", "PC3", "PC4", "PC5", "ADC_TEMPERATURE"),
        *("PF3", "PF4", "PF5", "PF6", "PF7", "PF8", "PF9", "PF10"),
    ),
    "stm32g0b1": _pins(*_STM32_COMMON, "PB2", "PB10", "PB11", "PB12", "PC4", "PC5", "ADC_TEMPERATURE"),
    "stm32h723": _pins(
        *("PA0", "PA1", "PA2", "PA3", "PA4", "PA5", "PA6", "PA7", "PB0", "PB1"),
        *("PC0", "PC1", "PC2", "PC3", "PC4", "PC5"),
        *("PF3", "PF4", "PF5", "PF6", "PF7", "PF8", "PF9", "PF10", "PF11", "PF12", "PF13", "PF14"),
        *("PH2", "PH3", "PH4", "PH5", "ADC_TEMPERATURE"),
    ),
}
ADC_FAMILY_RULES = {
    "rp2040": re.compile(r"^gpio(?:2[6-9])$"),
    "linux": re.compile(r"^analog[0-9]+$"),
}

ALIAS_NAME = re.compile(r"^[A-Za-z0-9_]+$")
ALIAS_FORBIDDEN = "^~!:"


@dataclass(frozen=True)
class ValidationError:
    """One problem in a definition: where (a JSON pointer, "" for the root) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message}"


def json_pointer(parts: Iterable[object]) -> str:
    """RFC 6901 pointer of a path such as ('connectors', 3, 'pins', 0, 'mcu_pin')."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


@cache
def schema_load() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


_SCHEMA_PATTERN = Draft202012Validator.VALIDATORS["pattern"]


def _pattern_to_the_end(validator, pattern, instance, schema):
    """JSON Schema's ``pattern`` as JavaScript reads it: ``$`` is the end of the string.

    jsonschema uses Python's re.search, where ``$`` also matches before a final newline, so
    "PC8\n" passed ``^...$`` and the newline reached the generated [board_pins].
    """
    if validator.is_type(instance, "string") and pattern.endswith("$") and instance.endswith("\n"):
        yield JsonSchemaError(f"{instance!r} does not match {pattern!r}")
        return
    yield from _SCHEMA_PATTERN(validator, pattern, instance, schema)


_DefinitionValidator = validators.extend(Draft202012Validator, {"pattern": _pattern_to_the_end})


@cache
def _schema_validator() -> Draft202012Validator:
    schema = schema_load()
    Draft202012Validator.check_schema(schema)
    return _DefinitionValidator(schema)


def pin_name_valid(family: str, name: str) -> bool:
    pattern = PIN_NAMES.get(family)
    return bool(pattern and pattern.fullmatch(name))


def pin_adc_capable(family: str, chip: str, name: str) -> bool:
    """Whether Klipper can read ``name`` as an analog input on this chip.

    Chips with a table in ``ADC_PINS`` are checked against it; otherwise the
    family's rule applies (RP2040 gpio26-29, Linux analogN) and other families
    accept any pin.
    """
    table = ADC_PINS.get(chip)
    if table is not None:
        return name in table
    rule = ADC_FAMILY_RULES.get(family)
    return bool(rule.fullmatch(name)) if rule else True


def alias_name(connector_id: str, number: object) -> str:
    """The [board_pins] alias of a connector contact: ``<CONNECTOR>_<number>``, upper case."""
    return f"{connector_id}_{number}".upper()


def alias_problem(name: str) -> str | None:
    """Why ``name`` cannot be a Klipper pin alias, or None when it can."""
    bad = sorted({char for char in name if char in ALIAS_FORBIDDEN or char.isspace()})
    if bad:
        shown = ", ".join("space" if char == " " else repr(char) for char in bad)
        return f"alias name {name!r} contains {shown}; Klipper alias names may not contain ^ ~ ! : or spaces"
    if not ALIAS_NAME.fullmatch(name):
        return f"alias name {name!r} may only use letters, digits and '_'"
    return None


def definition_validate(data: object) -> list[ValidationError]:
    """All problems of one board definition; an empty list when it is valid."""
    errors = [
        ValidationError(json_pointer(error.absolute_path), error.message)
        for error in _schema_validator().iter_errors(data)
    ]
    if errors:
        return sorted(errors, key=lambda error: (error.path, error.message))
    assert isinstance(data, dict)  # the schema says so
    errors = []
    for rule in (_rule_ids, _rule_references, _rule_pin_names, _rule_adc, _rule_pin_users, _rule_aliases, _rule_misc):
        errors.extend(rule(data))
    return errors


def _rule_ids(data: dict) -> list[ValidationError]:
    errors = []
    for collection in ("sources", "images", "drivers", "connectors"):
        seen: dict[str, int] = {}
        for index, item in enumerate(data[collection]):
            key = item["id"].upper() if collection == "connectors" else item["id"]
            if key in seen:
                errors.append(
                    ValidationError(
                        json_pointer((collection, index, "id")),
                        f"duplicate id {item['id']!r} (also {collection}[{seen[key]}])",
                    )
                )
            else:
                seen[key] = index
    for c_index, connector in enumerate(data["connectors"]):
        numbers: set[str] = set()
        for p_index, pin in enumerate(connector["pins"]):
            number = str(pin["number"])
            if number in numbers:
                errors.append(
                    ValidationError(
                        json_pointer(("connectors", c_index, "pins", p_index, "number")),
                        f"pin number {number} appears twice on connector {connector['id']!r}",
                    )
                )
            numbers.add(number)
    return errors


def _rule_references(data: dict) -> list[ValidationError]:
    errors = []
    sources = {source["id"] for source in data["sources"]}
    images = {image["id"] for image in data["images"]}
    connectors = {connector["id"]: connector for connector in data["connectors"]}
    drivers = {driver["id"] for driver in data["drivers"]}

    def need(value: str | None, known: Iterable[str], what: str, path: tuple) -> None:
        if value is not None and value not in known:
            errors.append(ValidationError(json_pointer(path), f"unknown {what} {value!r}"))

    for index, image in enumerate(data["images"]):
        need(image.get("source"), sources, "source", ("images", index, "source"))
    for c_index, connector in enumerate(data["connectors"]):
        need(connector.get("source"), sources, "source", ("connectors", c_index, "source"))
        need(connector.get("label_source"), sources, "source", ("connectors", c_index, "label_source"))
        if "geometry" in connector:
            need(connector["geometry"]["image"], images, "image", ("connectors", c_index, "geometry", "image"))
        for p_index, pin in enumerate(connector["pins"]):
            need(pin.get("source"), sources, "source", ("connectors", c_index, "pins", p_index, "source"))
    for d_index, driver in enumerate(data["drivers"]):
        need(driver.get("source"), sources, "source", ("drivers", d_index, "source"))
        for f_index, fed in enumerate(driver["feeds"]):
            path = ("drivers", d_index, "feeds", f_index)
            need(fed, connectors, "connector", path)
            if fed in connectors and connectors[fed]["kind"] != "stepper":
                errors.append(
                    ValidationError(
                        json_pointer(path), f"a driver feeds stepper connectors; {fed!r} is {connectors[fed]['kind']}"
                    )
                )
        for signal in driver.get("facts", {}):
            if signal not in driver["signals"]:
                errors.append(
                    ValidationError(
                        json_pointer(("drivers", d_index, "facts", signal)), f"no signal {signal!r} on this driver"
                    )
                )
    for s_index, shared in enumerate(data["shared_signals"]):
        for m_index, member in enumerate(shared.get("connectors", [])):
            need(member, connectors, "connector", ("shared_signals", s_index, "connectors", m_index))
        for m_index, member in enumerate(shared.get("drivers", [])):
            need(member, drivers, "driver", ("shared_signals", s_index, "drivers", m_index))
    return errors


def mcu_pin_uses(data: dict) -> list[tuple[str, str, str, str]]:
    """Every MCU pin use: (pin, 'connector' | 'driver', owner id, JSON pointer)."""
    uses = []
    for c_index, connector in enumerate(data["connectors"]):
        for p_index, pin in enumerate(connector["pins"]):
            if "mcu_pin" in pin:
                path = json_pointer(("connectors", c_index, "pins", p_index, "mcu_pin"))
                uses.append((pin["mcu_pin"], "connector", connector["id"], path))
    for d_index, driver in enumerate(data["drivers"]):
        for signal, pin in driver["signals"].items():
            uses.append((pin, "driver", driver["id"], json_pointer(("drivers", d_index, "signals", signal))))
    return uses


def _rule_pin_names(data: dict) -> list[ValidationError]:
    family = data["mcu"]["family"]
    hint = PIN_NAME_HINTS[family]
    paths = [(pin, path) for pin, _, _, path in mcu_pin_uses(data)]
    paths += [
        (shared["mcu_pin"], json_pointer(("shared_signals", index, "mcu_pin")))
        for index, shared in enumerate(data["shared_signals"])
    ]
    return [
        ValidationError(path, f"{pin!r} is not a {family} pin name ({hint})")
        for pin, path in paths
        if not pin_name_valid(family, pin)
    ]


def _rule_adc(data: dict) -> list[ValidationError]:
    family, chip = data["mcu"]["family"], data["mcu"]["chip"]
    errors = []
    for c_index, connector in enumerate(data["connectors"]):
        for p_index, pin in enumerate(connector["pins"]):
            name = pin.get("mcu_pin")
            if pin["function"] != "thermistor_adc" or name is None or not pin_name_valid(family, name):
                continue
            if not pin_adc_capable(family, chip, name):
                errors.append(
                    ValidationError(
                        json_pointer(("connectors", c_index, "pins", p_index, "mcu_pin")),
                        f"thermistor on {name}, which is not an ADC pin of the {chip}",
                    )
                )
    return errors


def _rule_pin_users(data: dict) -> list[ValidationError]:
    errors = []
    feeds = {driver["id"]: set(driver["feeds"]) for driver in data["drivers"]}
    by_pin: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for pin, kind, owner, path in mcu_pin_uses(data):
        by_pin[pin].append((kind, owner, path))
    declared: dict[str, tuple[int, dict]] = {}
    for index, shared in enumerate(data["shared_signals"]):
        if shared["mcu_pin"] in declared:
            first = declared[shared["mcu_pin"]][0]
            errors.append(
                ValidationError(
                    json_pointer(("shared_signals", index, "mcu_pin")),
                    f"{shared['mcu_pin']} is declared shared twice (also shared_signals[{first}])",
                )
            )
            continue
        declared[shared["mcu_pin"]] = (index, shared)

    for pin, uses in by_pin.items():
        seen_connectors: set[str] = set()
        for kind, owner, path in uses:
            if kind != "connector":
                continue
            if owner in seen_connectors:
                errors.append(ValidationError(path, f"{pin} appears on two contacts of connector {owner!r}"))
            seen_connectors.add(owner)
        drivers = {owner for kind, owner, _ in uses if kind == "driver"}
        connectors = {owner for kind, owner, _ in uses if kind == "connector"}
        # A driver's signal on a connector it feeds is the same wire, not a second user.
        connectors -= {owner for owner in connectors if any(owner in feeds[driver] for driver in drivers)}
        users = sorted(f"driver {driver}" for driver in drivers) + sorted(f"connector {c}" for c in connectors)
        if len(users) < 2:
            continue
        entry = declared.get(pin)
        if entry is None:
            errors.append(
                ValidationError(
                    uses[-1][2],
                    f"MCU pin {pin} is used by {', '.join(users)}; declare it in shared_signals if that is deliberate",
                )
            )
            continue
        index, shared = entry
        missing = sorted(
            [f"driver {d}" for d in drivers - set(shared.get("drivers", []))]
            + [f"connector {c}" for c in connectors - set(shared.get("connectors", []))]
        )
        if missing:
            errors.append(
                ValidationError(
                    json_pointer(("shared_signals", index)),
                    f"{pin} is also used by {', '.join(missing)}, which this entry does not name",
                )
            )

    for pin, (index, shared) in declared.items():
        users_of_pin = {(kind, owner) for kind, owner, _ in by_pin.get(pin, [])}
        named = [("connector", c) for c in shared.get("connectors", [])] + [
            ("driver", d) for d in shared.get("drivers", [])
        ]
        if len(named) < 2:
            errors.append(
                ValidationError(
                    json_pointer(("shared_signals", index)), f"a shared signal names at least two users of {pin}"
                )
            )
        for kind, owner in named:
            if (kind, owner) not in users_of_pin:
                errors.append(
                    ValidationError(
                        json_pointer(("shared_signals", index)), f"names {kind} {owner!r}, which does not use {pin}"
                    )
                )
    return errors


def definition_aliases(data: Mapping) -> list[tuple[str, str, tuple]]:
    """(alias name, value, path of the connector pin) for each aliased contact.

    Contacts with an MCU pin alias to the bare pin name; contacts of expansion
    headers with a net are reserved as ``<NET>``, as Klipper's own board files do.
    """
    aliases = []
    for c_index, connector in enumerate(data["connectors"]):
        for p_index, pin in enumerate(connector["pins"]):
            if "mcu_pin" in pin:
                value = pin["mcu_pin"]
            elif connector["kind"] == "expansion":
                value = f"<{pin['net']}>"
            else:
                continue
            aliases.append(
                (alias_name(connector["id"], pin["number"]), value, ("connectors", c_index, "pins", p_index))
            )
    return aliases


def _rule_aliases(data: dict) -> list[ValidationError]:
    errors = []
    for c_index, connector in enumerate(data["connectors"]):
        problem = alias_problem(connector["id"])
        if problem:
            errors.append(ValidationError(json_pointer(("connectors", c_index, "id")), problem))
    seen: dict[str, tuple] = {}
    for name, _, path in definition_aliases(data):
        if name in seen:
            errors.append(
                ValidationError(
                    json_pointer(path), f"alias {name} is generated twice (also {json_pointer(seen[name])})"
                )
            )
        seen.setdefault(name, path)
    return errors


def _rule_misc(data: dict) -> list[ValidationError]:
    errors = []
    if data.get("secondary_mcu") == "mcu":
        errors.append(ValidationError("/secondary_mcu", "'mcu' is Klipper's name for the main MCU"))
    by_uart: dict[str, dict[int, str]] = defaultdict(dict)
    for d_index, driver in enumerate(data["drivers"]):
        uart, address = driver["signals"].get("uart"), driver.get("uart_address")
        if uart is None or address is None:
            continue
        other = by_uart[uart].get(address)
        if other is not None:
            errors.append(
                ValidationError(
                    json_pointer(("drivers", d_index, "uart_address")),
                    f"uart_address {address} on {uart} is also driver {other!r}'s",
                )
            )
        by_uart[uart].setdefault(address, driver["id"])
    for c_index, connector in enumerate(data["connectors"]):
        geometry = connector.get("geometry")
        outside = (
            geometry
            and geometry["shape"] == "rect"
            and max(geometry["x"] + geometry["w"], geometry["y"] + geometry["h"])
        )
        if outside and outside > 1:
            errors.append(
                ValidationError(
                    json_pointer(("connectors", c_index, "geometry")), "the rectangle extends past the image's edge"
                )
            )
    return errors


def pin_facts_check(definition: Mapping, facts: Mapping[str, Mapping]) -> list[str]:
    """Compare every pin of a (schema-valid) definition with the source facts it names.

    ``facts`` maps a source id to that source's extracted facts (a loaded
    ``.pins.json``). Each connector pin and driver signal resolves its source
    (the pin's ``source``, else its connector's; a driver's ``source``) and its
    fact (``fact`` / the driver's ``facts``). The fact must exist and carry the
    same pin on the same MCU (``secondary_mcu`` for a toolhead board), with the
    same pull-up and inversion as the definition's defaults; a comment fact must
    mention the pin; a reserved alias (``<GND>``) must match the contact's net.
    Without a fact id the pin must appear somewhere in the source's facts.
    Returns one message per mismatch; empty when everything matches.
    """
    messages: list[str] = []
    known_sources = {source["id"] for source in definition.get("sources", [])}
    chip = definition.get("secondary_mcu")
    indexes = {source_id: _facts_index(document) for source_id, document in facts.items()}

    def check(where: str, source_id: str | None, fact_id: str | None, expect: dict) -> None:
        if source_id is None:
            messages.append(f"{where}: names no source")
            return
        if source_id not in known_sources:
            messages.append(f"{where}: source {source_id!r} is not in the definition's sources")
            return
        if source_id not in indexes:
            messages.append(f"{where}: source {source_id!r} has no extracted facts to check against")
            return
        pins, comments, every_pin = indexes[source_id]
        if fact_id is None:
            if expect.get("pin") and expect["pin"] not in every_pin:
                messages.append(f"{where}: {expect['pin']} does not occur in source {source_id!r}")
            elif not expect.get("pin"):
                messages.append(f"{where}: names no fact of source {source_id!r}")
            return
        if fact_id in comments:
            comment = comments[fact_id]
            if expect.get("pin") not in comment["pins"]:
                messages.append(
                    f"{where}: {expect.get('pin') or expect.get('net')} is not among the pins {comment['pins']} "
                    f"of {source_id}:{fact_id} ({comment['text']!r})"
                )
            return
        fact = pins.get(fact_id)
        if fact is None:
            messages.append(f"{where}: source {source_id!r} has no fact {fact_id!r}")
            return
        if "net" in expect:
            if fact.get("reserved") != f"<{expect['net']}>":
                messages.append(f"{where}: net {expect['net']} but {source_id}:{fact_id} is {fact['raw']!r}")
            return
        if fact.get("pin") != expect["pin"]:
            messages.append(f"{where}: {expect['pin']} but {source_id}:{fact_id} is {fact['raw']!r}")
            return
        if fact.get("chip") != chip:
            messages.append(
                f"{where}: {source_id}:{fact_id} is on MCU {fact.get('chip') or 'mcu'!r}, not {chip or 'mcu'!r}"
            )
        if "pull" in expect and expect["pull"] != fact.get("pull"):
            messages.append(f"{where}: default pull {expect['pull']!r} but {source_id}:{fact_id} is {fact['raw']!r}")
        if "invert" in expect and expect["invert"] != bool(fact.get("invert")):
            messages.append(
                f"{where}: default inversion {expect['invert']} but {source_id}:{fact_id} is {fact['raw']!r}"
            )

    for c_index, connector in enumerate(definition.get("connectors", [])):
        for p_index, pin in enumerate(connector.get("pins", [])):
            where = json_pointer(("connectors", c_index, "pins", p_index)) + f" ({connector['id']} {pin['number']})"
            if "mcu_pin" in pin:
                expect = {
                    "pin": pin["mcu_pin"],
                    "pull": pin.get("default_pull"),
                    "invert": pin.get("default_invert", False),
                }
            else:
                if "fact" not in pin:
                    continue  # a net without a cited fact (a pin ground, say) has nothing to compare
                expect = {"net": pin["net"]}
            check(where, pin.get("source", connector.get("source")), pin.get("fact"), expect)
    for d_index, driver in enumerate(definition.get("drivers", [])):
        inversions = driver.get("default_inversions", {})
        for signal, pin in driver.get("signals", {}).items():
            where = json_pointer(("drivers", d_index, "signals", signal)) + f" ({driver['id']} {signal})"
            expect = {"pin": pin}
            if signal in ("step", "dir", "enable"):
                expect["invert"] = inversions.get(signal, False)
            check(where, driver.get("source"), driver.get("facts", {}).get(signal), expect)
    return messages


def _facts_index(document: Mapping) -> tuple[dict, dict, set[str]]:
    pins = {fact["id"]: fact for fact in document.get("pins", [])}
    comments = {fact["id"]: fact for fact in document.get("comment_pins", [])}
    every_pin = {fact["pin"] for fact in pins.values() if fact.get("pin")}
    every_pin |= {pin for fact in comments.values() for pin in fact["pins"]}
    return pins, comments, every_pin


def definition_paths() -> list[Path]:
    """The shipped definitions: definitions/<manufacturer-slug>/<board-id>.json."""
    return sorted(DEFINITIONS_DIR.glob("*/*.json"))


def definition_load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def facts_load(definition: Mapping) -> dict[str, dict]:
    """The extracted facts of each of the definition's sources that has them, by source id."""
    loaded = {}
    for source in definition.get("sources", []):
        relative = source.get("facts")
        if relative and (SOURCES_DIR / relative).is_file():
            loaded[source["id"]] = json.loads((SOURCES_DIR / relative).read_text(encoding="utf-8"))
    return loaded
