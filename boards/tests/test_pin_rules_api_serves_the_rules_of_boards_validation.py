"""GET /api/boards/pin-rules serves boards/validation.py's MCU pin rules, unchanged, with an ETag."""

import re

import pytest

from boards.api.pin_rules import NET_FUNCTIONS, NET_USUAL
from boards.tests.pin_samples import CANDIDATES
from boards.validation import (
    ADC_PINS,
    ALIAS_NAME,
    PIN_NAME_HINTS,
    PIN_NAMES,
    alias_problem,
    pin_adc_capable,
    pin_name_valid,
    schema_load,
)

URL = "/api/boards/pin-rules"
# Syntax Python's re has and ECMAScript's RegExp reads otherwise (or not at all).
PYTHON_ONLY = ("(?P", "(?#", "\\A", "\\Z", "(?i", "(?x", "(?s", "(?m", "(?a", "(?u", "(?L", "*+", "++", "?+", "}+")


@pytest.fixture
def served(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def served_adc_capable(rules: dict, family: str, chip: str, name: str) -> bool:
    """The designer's reading of the served rules (static/js/board_designer/rules.js)."""
    if chip in rules["adc_pins"]:
        return name in rules["adc_pins"][chip]
    pattern = rules["families"][family]["adc_pattern"]
    return bool(re.search(pattern, name)) if pattern else True


def test_every_family_of_the_schema_has_its_rules(served):
    assert list(served["families"]) == schema_load()["properties"]["mcu"]["properties"]["family"]["enum"]
    assert set(served["families"]) == set(PIN_NAMES)


def test_each_familys_pattern_accepts_and_rejects_what_pin_name_valid_does(served):
    for family, entry in served["families"].items():
        assert entry["pin_pattern"] == PIN_NAMES[family].pattern
        assert entry["hint"] == PIN_NAME_HINTS[family]
        pattern = re.compile(entry["pin_pattern"])
        wrong = [name for name in CANDIDATES if bool(pattern.match(name)) != pin_name_valid(family, name)]
        assert not wrong, f"{family}: the served pattern disagrees with pin_name_valid about {wrong}"
        # the designer uses RegExp.test, which searches: the patterns are anchored at both ends
        assert entry["pin_pattern"].startswith("^")
        assert entry["pin_pattern"].endswith("$")


def test_the_adc_pins_are_those_of_pin_adc_capable(served):
    assert served["adc_pins"] == {chip: sorted(pins) for chip, pins in ADC_PINS.items()}
    names = sorted({*CANDIDATES, *(pin for pins in ADC_PINS.values() for pin in pins), "PF11", "PH5", "PC0"})
    for family in PIN_NAMES:
        for chip in (*ADC_PINS, "rp2040", "lpc1768", "linux", "unknown"):
            wrong = [
                name
                for name in names
                if served_adc_capable(served, family, chip, name) != pin_adc_capable(family, chip, name)
            ]
            assert not wrong, f"{family}/{chip}: the served ADC rules disagree with pin_adc_capable about {wrong}"


def test_alias_and_net_rules(served):
    assert served["alias"] == {"pattern": ALIAS_NAME.pattern, "forbidden": "^~!:"}
    for name in ("EXP1", "HE0", "MOTOR_X", "EXP1:3", "EXP 1", "EXP!", "~A", "A^"):
        assert bool(re.search(served["alias"]["pattern"], name)) == (alias_problem(name) is None), name
    assert served["nets"] == {
        "pattern": schema_load()["$defs"]["pin"]["properties"]["net"]["pattern"],
        "usual_pattern": NET_USUAL,
        "functions": list(NET_FUNCTIONS),
    }
    # every function named is one of the schema's pin functions
    assert set(NET_FUNCTIONS) <= set(schema_load()["$defs"]["pin"]["properties"]["function"]["enum"])


def test_every_chip_with_an_adc_table_is_suggested_for_its_family(served):
    suggested = {chip for entry in served["families"].values() for chip in entry["chips"]}
    assert set(ADC_PINS) <= suggested
    assert "stm32g0b1" in served["families"]["stm32"]["chips"]
    assert served["families"]["rp2040"]["chips"] == ["rp2040"]


def test_the_patterns_read_the_same_in_ecmascript(served):
    patterns = [entry["pin_pattern"] for entry in served["families"].values()]
    patterns += [entry["adc_pattern"] for entry in served["families"].values() if entry["adc_pattern"]]
    patterns += [served["alias"]["pattern"], served["nets"]["pattern"], served["nets"]["usual_pattern"]]
    for pattern in patterns:
        assert not [token for token in PYTHON_ONLY if token in pattern], pattern


def test_it_answers_304_to_the_etag_it_sent(client):
    first = client.get(URL)
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{64}"', etag)
    assert first["Cache-Control"] == "no-cache"
    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(URL, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304  # weak comparison, as RFC 9110 says
    other = client.get(URL, HTTP_IF_NONE_MATCH='"0000"')
    assert other.status_code == 200
    assert other.content == first.content
    assert client.head(URL)["ETag"] == etag


@pytest.mark.django_db
def test_it_is_documented_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/boards/pin-rules"]["get"]
    assert operation.get("security", []) == []  # public
    assert {"200", "304"} <= set(operation["responses"])
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert any(p["in"] == "header" and p["name"] == "If-None-Match" for p in operation["parameters"])
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PinRules"}
    assert set(schema["components"]["schemas"]["PinRules"]["properties"]) == {"families", "adc_pins", "alias", "nets"}
