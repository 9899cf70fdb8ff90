"""sources/extract_klipper_pins.py turns a Klipper config text into pin facts, commented-out sections included."""

import importlib.util
import json
import re

import pytest

from boards.validation import SOURCES_DIR

SAMPLE = """# Test board file.
# serial (on USART3 PB11/PB10)

# Driver0
[stepper_x]
step_pin: PB13
dir_pin: !PB12
endstop_pin: ^PC0  # PA1 for X-max
position_max: 200

[extruder]
heater_pin: EBBCan:PB13 # HE0
sensor_pin: ^!EBBCan: PA3
# sensor_pin: EBBCan:PA4

#fan for hotend FAN1
#[heater_fan my_nozzle_fan]
#pin: PB1
##diag_pin: PG6

[display]
encoder_pins: ^PB14, ^PB10
serial: /dev/ttyAMA0

[board_pins]
aliases:
    # EXP1 header
    EXP1_1=PE8, EXP1_2=PE7,   # comment
    EXP1_9=<GND>
"""


@pytest.fixture(scope="module")
def extractor():
    spec = importlib.util.spec_from_file_location("extract_klipper_pins", SOURCES_DIR / "extract_klipper_pins.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_pin_option_becomes_a_fact(extractor):
    facts = extractor.facts_extract(SAMPLE)
    by_id = {fact["id"]: fact for fact in facts["pins"]}
    assert list(by_id) == [
        "stepper_x.step_pin",
        "stepper_x.dir_pin",
        "stepper_x.endstop_pin",
        "extruder.heater_pin",
        "extruder.sensor_pin",
        "extruder.sensor_pin@L14",
        "heater_fan my_nozzle_fan.pin",
        "heater_fan my_nozzle_fan.diag_pin",
        "display.encoder_pins[0]",
        "display.encoder_pins[1]",
        "board_pins.aliases.EXP1_1",
        "board_pins.aliases.EXP1_2",
        "board_pins.aliases.EXP1_9",
    ]
    direction = by_id["stepper_x.dir_pin"]
    assert (direction["raw"], direction["pin"], direction["invert"], direction["pull"]) == ("!PB12", "PB12", True, None)
    assert by_id["stepper_x.endstop_pin"]["pull"] == "^"
    assert by_id["stepper_x.endstop_pin"]["comment"] == "PA1 for X-max"
    assert by_id["extruder.heater_pin"]["chip"] == "EBBCan"
    assert by_id["extruder.heater_pin"]["comment"] == "HE0"
    sensor = by_id["extruder.sensor_pin"]
    assert (sensor["pull"], sensor["invert"], sensor["chip"], sensor["pin"]) == ("^", True, "EBBCan", "PA3")
    assert by_id["extruder.sensor_pin@L14"]["active"] is False
    assert by_id["heater_fan my_nozzle_fan.pin"]["active"] is False
    assert by_id["display.encoder_pins[1]"]["pin"] == "PB10"
    assert by_id["board_pins.aliases.EXP1_2"]["line"] == 28
    assert by_id["board_pins.aliases.EXP1_9"]["reserved"] == "<GND>"


def test_pins_named_in_comments_and_section_comments_are_kept(extractor):
    facts = extractor.facts_extract(SAMPLE)
    assert [(entry["id"], entry["pins"]) for entry in facts["comment_pins"]] == [
        ("comment@L2", ["PB11", "PB10"]),
        ("stepper_x.endstop_pin#comment", ["PA1"]),
    ]
    sections = {section["name"]: section for section in facts["sections"]}
    assert sections["stepper_x"]["comments"] == ["Driver0"]
    assert sections["heater_fan my_nozzle_fan"] == {
        "name": "heater_fan my_nozzle_fan",
        "active": False,
        "line": 17,
        "comments": ["fan for hotend FAN1"],
    }


def test_the_document_records_where_the_facts_come_from(extractor, tmp_path):
    cfg = tmp_path / "generic-test-board.cfg"
    cfg.write_text(SAMPLE, encoding="utf-8")
    out = tmp_path / "out.pins.json"
    assert extractor.main([str(cfg), "--commit", "a" * 40, "--output", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["source"]["url"] == "https://github.com/Klipper3d/klipper/blob/master/config/generic-test-board.cfg"
    assert document["source"]["commit"] == "a" * 40
    assert re.fullmatch(r"[0-9a-f]{64}", document["source"]["sha256"])
    assert "GPL" in document["source"]["license"]


@pytest.mark.parametrize("path", sorted((SOURCES_DIR / "klipper").glob("*.pins.json")), ids=lambda path: path.name)
def test_shipped_facts_are_extractor_documents(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == 1
    assert document["generator"] == "boards/sources/extract_klipper_pins.py"
    name = path.name.removesuffix(".pins.json") + ".cfg"
    assert document["source"]["path"] == f"config/{name}"
    assert document["source"]["url"].endswith(f"/config/{name}")
    assert re.fullmatch(r"[0-9a-f]{40}", document["source"]["commit"])
    ids = [fact["id"] for fact in document["pins"]] + [fact["id"] for fact in document["comment_pins"]]
    assert len(ids) == len(set(ids))
    assert len(document["pins"]) >= 15
