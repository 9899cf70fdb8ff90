"""The MCU pin rules as data, for the board designer's checks as you type.

Everything comes from boards/validation.py (PIN_NAMES, PIN_NAME_HINTS, ADC_PINS,
ADC_FAMILY_RULES, ALIAS_NAME) and the definition schema (families, the net name
pattern), so the browser and the server check the same rules. Patterns are
written in the subset of regular-expression syntax that Python's ``re`` and
ECMAScript share: the designer compiles them with ``new RegExp(pattern)``.

The few things here that are not rules but the designer's defaults live here
too, so no copy of them is kept in JavaScript: the chips suggested per family
and which values read as a power net rather than an MCU pin.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from boards.validation import (
    ADC_FAMILY_RULES,
    ADC_PINS,
    ALIAS_FORBIDDEN,
    ALIAS_NAME,
    PIN_NAME_HINTS,
    PIN_NAMES,
    definition_load,
    definition_paths,
    schema_load,
)

# Chips Klipper builds for, suggested in the designer's chip field (any lower-case name is allowed).
# Every chip with an ADC table and every chip of a shipped definition is added to its family.
CHIP_SUGGESTIONS: dict[str, tuple[str, ...]] = {
    "stm32": ("stm32f103", "stm32f401", "stm32f407", "stm32f429", "stm32f446", "stm32g0b1", "stm32h723", "stm32h743"),
    "gd32": ("gd32f303",),
    "sam": ("sam3x8e", "sam4e8e", "same51", "same70", "samd21"),
    "avr": ("atmega2560", "atmega1284p", "atmega644p"),
    "lpc176x": ("lpc1768", "lpc1769"),
    "rp2040": ("rp2040",),
    "linux": ("linux",),
}

# A contact whose value is not a valid MCU pin reads as a net when it matches NET_USUAL
# (GND, GND_1, 5V, 3V3, 12V, VIN, VBUS, RST, RESET, NC) or has one of NET_FUNCTIONS.
NET_USUAL = r"^(?:GND[A-Z0-9_]*|[0-9]+V[0-9]*|V[A-Z0-9_]*|RST|RESET|NC)$"
NET_FUNCTIONS = ("gnd", "power", "reset", "nc")


def _chips(family: str) -> list[str]:
    chips = list(CHIP_SUGGESTIONS.get(family, ()))
    for chip in sorted(ADC_PINS):
        # The ADC tables name their family by prefix (stm32f103 is an stm32).
        if chip.startswith(family) and chip not in chips:
            chips.append(chip)
    for path in definition_paths():
        mcu = definition_load(path).get("mcu", {})
        if mcu.get("family") == family and mcu.get("chip") and mcu["chip"] not in chips:
            chips.append(mcu["chip"])
    return chips


@cache
def pin_rules() -> dict:
    """The document GET /api/boards/pin-rules serves."""
    schema = schema_load()
    families = schema["properties"]["mcu"]["properties"]["family"]["enum"]
    missing = sorted(set(families) ^ set(PIN_NAMES))
    assert not missing, f"families without pin rules or rules without a family in the schema: {missing}"
    pin = schema["$defs"]["pin"]["properties"]
    return {
        "families": {
            family: {
                "pin_pattern": PIN_NAMES[family].pattern,
                "hint": PIN_NAME_HINTS[family],
                "adc_pattern": ADC_FAMILY_RULES[family].pattern if family in ADC_FAMILY_RULES else None,
                "chips": _chips(family),
            }
            for family in families
        },
        "adc_pins": {chip: sorted(pins) for chip, pins in sorted(ADC_PINS.items())},
        "alias": {"pattern": ALIAS_NAME.pattern, "forbidden": ALIAS_FORBIDDEN},
        "nets": {"pattern": pin["net"]["pattern"], "usual_pattern": NET_USUAL, "functions": list(NET_FUNCTIONS)},
    }


@cache
def pin_rules_body() -> tuple[bytes, str]:
    """The JSON body and its strong ETag (quoted SHA-256 of the body)."""
    body = json.dumps(pin_rules(), separators=(",", ":")).encode()
    return body, '"' + hashlib.sha256(body).hexdigest() + '"'
