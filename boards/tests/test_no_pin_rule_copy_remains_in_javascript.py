"""The pin rules live on the server only: no script under static/js keeps a copy of them.

The designer fetches them from GET /api/boards/pin-rules; a copy in JavaScript would
drift from boards/validation.py unnoticed. Checked in every script of the site (the
vendored libraries aside): no pattern or hint of boards/validation.py, no ADC table,
no string that is an MCU pin name, no list of the families or of the suggested chips.
"""

import re
from pathlib import Path

from boards.api.pin_rules import NET_USUAL, pin_rules
from boards.validation import ADC_FAMILY_RULES, ADC_PINS, ALIAS_NAME, PIN_NAME_HINTS, PIN_NAMES, pin_name_valid

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
STRING = re.compile(r"""(["'`])((?:\\.|(?!\1).)*)\1""")
COMMENT_LINE = re.compile(r"^\s*//.*$", re.M)


def scripts() -> dict[str, str]:
    found = {
        str(path.relative_to(STATIC_JS)): path.read_text(encoding="utf-8")
        for path in sorted(STATIC_JS.rglob("*.js"))
        if "vendor" not in path.relative_to(STATIC_JS).parts
    }
    assert "board_designer/rules.js" in found
    assert "board_designer/main.js" in found
    assert not (STATIC_JS / "board_designer.js").exists(), "the one-file designer is split into modules"
    return found


def test_no_pattern_or_hint_of_the_pin_rules_is_in_a_script():
    patterns = [pattern.pattern for pattern in (*PIN_NAMES.values(), *ADC_FAMILY_RULES.values())]
    for name, text in scripts().items():
        for pattern in [*patterns, ALIAS_NAME.pattern, NET_USUAL]:
            # as a string, or as a regular-expression literal (/.../ with its slashes escaped)
            written = {pattern, pattern.replace("/", "\\/")}
            if pattern in patterns:
                written.add(pattern.strip("^$"))  # or unanchored
            for form in written:
                assert form not in text, f"{name} copies the pattern {pattern}"
        for hint in PIN_NAME_HINTS.values():
            assert hint not in text, f"{name} copies the hint {hint!r}"
        assert "ADC_TEMPERATURE" not in text, f"{name} names ADC_TEMPERATURE: a copy of a pin table?"


def test_no_script_has_a_string_that_is_an_mcu_pin_name():
    # An ADC table or a list of pins would be strings such as "PA0"; messages quote pins inside sentences.
    for name, text in scripts().items():
        text = COMMENT_LINE.sub("", text)
        pins = sorted({value for _, value in STRING.findall(text) if any(pin_name_valid(f, value) for f in PIN_NAMES)})
        assert not pins, f"{name} has MCU pin names as strings: {pins}"
        adc = {pin for pins in ADC_PINS.values() for pin in pins}
        assert not [value for _, value in STRING.findall(text) if value in adc], name


def test_no_script_lists_the_families_or_the_suggested_chips():
    rules = pin_rules()
    families = set(rules["families"])
    chips = {chip for entry in rules["families"].values() for chip in entry["chips"]} - families
    for name, text in scripts().items():
        strings = {value for _, value in STRING.findall(COMMENT_LINE.sub("", text))}
        # one family and one chip may be named as a new board's default, never a list of them
        assert len(strings & families) <= 1, f"{name} lists MCU families: {sorted(strings & families)}"
        assert len(strings & chips) <= 1, f"{name} lists chips: {sorted(strings & chips)}"
