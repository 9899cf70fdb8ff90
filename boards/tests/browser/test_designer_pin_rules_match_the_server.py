"""The designer's live checks (with the rules it fetched from GET /api/boards/pin-rules) agree with
boards/validation.py, and its SHA-256 fallback with hashlib."""

import hashlib

import pytest

from boards.tests.pin_samples import CANDIDATES
from boards.validation import ADC_PINS, PIN_NAMES, pin_adc_capable, pin_name_valid

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_designer_pin_rules_match_the_server(designer):
    page = designer
    for family in PIN_NAMES:
        verdicts = page.evaluate(
            "([family, names]) => names.map((name) => window.boardDesigner.pinNameValid(family, name))",
            [family, CANDIDATES],
        )
        expected = [pin_name_valid(family, name) for name in CANDIDATES]
        wrong = [name for name, got, want in zip(CANDIDATES, verdicts, expected, strict=True) if got != want]
        assert not wrong, f"{family}: the designer disagrees with boards/validation.py about {wrong}"

    adc_cases = [(family, chip) for chip in (*ADC_PINS, "rp2040", "lpc1768") for family in PIN_NAMES]
    names = sorted({*CANDIDATES, *(pin for pins in ADC_PINS.values() for pin in pins), "PF11", "PH5", "PC0"})
    for family, chip in adc_cases:
        verdicts = page.evaluate(
            "([family, chip, names]) => names.map((name) => window.boardDesigner.pinAdcCapable(family, chip, name))",
            [family, chip, names],
        )
        expected = [pin_adc_capable(family, chip, name) for name in names]
        wrong = [name for name, got, want in zip(names, verdicts, expected, strict=True) if got != want]
        assert not wrong, f"{family}/{chip}: the designer's ADC pins differ from boards/validation.py for {wrong}"

    parsed = page.evaluate(
        """() => ["^!PB2", "!^PB2", "EBBCan:PB2", "GND", "3V3", "VIN", "PZ9", "pa1"].map(
            (value) => window.boardDesigner.parsePinValue(value, "gpio", "stm32"))"""
    )
    assert parsed[0] == {"pin": "PB2", "pull": "^", "invert": True}
    assert "before the inversion" in parsed[1]["error"]
    assert "chip prefix" in parsed[2]["error"]
    assert [item.get("net") for item in parsed[3:6]] == ["GND", "3V3", "VIN"]
    assert parsed[6]["error"].startswith("PZ9 is not a stm32 pin name")
    assert "did you mean PA1?" in parsed[7]["error"]


def test_designer_hashes_images_like_hashlib_without_webcrypto(designer):
    for size in (0, 1, 55, 56, 63, 64, 65, 1000, 100_003):
        data = bytes((i * 7 + size) % 256 for i in range(size))
        digest = designer.evaluate("(bytes) => window.boardDesigner.sha256Fallback(new Uint8Array(bytes))", list(data))
        assert digest == hashlib.sha256(data).hexdigest(), size
