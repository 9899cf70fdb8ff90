"""board_pins_cfg writes one alias per aliased contact; parsing it back (Klipper's way) gives them all back."""

import configparser

import pytest

from boards.klipper import board_pins_cfg, board_pins_parse, board_pins_sections
from boards.validation import definition_load, definition_paths


def expected_aliases(definition):
    out = {}
    for item in definition["connectors"]:
        for pin in item["pins"]:
            name = f"{item['id']}_{pin['number']}".upper()
            if "mcu_pin" in pin:
                out[name] = pin["mcu_pin"]
            elif item["kind"] == "expansion":
                out[name] = f"<{pin['net']}>"
    return out


@pytest.mark.parametrize("path", definition_paths(), ids=lambda path: path.stem)
def test_every_alias_survives_the_round_trip(path):
    definition = definition_load(path)
    text = board_pins_cfg(definition)
    expected = expected_aliases(definition)
    assert len(expected) >= 10
    assert board_pins_parse(text) == expected
    sections = board_pins_sections(text)
    assert list(sections) == [f"board_pins {definition['id']}"]


@pytest.mark.parametrize("path", definition_paths(), ids=lambda path: path.stem)
def test_aliases_and_values_are_plain(path):
    aliases = board_pins_parse(board_pins_cfg(definition_load(path)))
    for name, value in aliases.items():
        assert name.replace("_", "").isalnum()
        assert name == name.upper()
        assert not any(char in value for char in "^~!: ")


def test_the_exp1_header_of_the_skr_mini_e3_v3_matches_klipper(board):
    path = next(path for path in definition_paths() if path.stem == "btt-skr-mini-e3-v3.0")
    aliases = board_pins_parse(board_pins_cfg(definition_load(path)))
    exp1 = {name: value for name, value in aliases.items() if name.startswith("EXP1_")}
    assert exp1 == {
        "EXP1_1": "PB5",
        "EXP1_2": "PA15",
        "EXP1_3": "PA9",
        "EXP1_4": "<RST>",
        "EXP1_5": "PA10",
        "EXP1_6": "PB9",
        "EXP1_7": "PB8",
        "EXP1_8": "PD6",
        "EXP1_9": "<GND>",
        "EXP1_10": "<5V>",
    }


def test_the_connector_map_lists_driver_signals_as_comments(board):
    text = board_pins_cfg(board)
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert "#   MOTOR_X (stepper, X motor): DRIVER_X step=PB13, dir=PB12, enable=PB14, uart=PC11" in comments
    assert "#   HE0 (heater): SIG=PC8" in comments
    assert "#   EXP1 (expansion): 1=PB5; 2=PA15; 9=GND; 10=5V" in comments
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    assert parser.sections() == ["board_pins test-board-v1.0"]
    assert not parser.has_option("board_pins test-board-v1.0", "mcu")


def test_a_board_with_a_bad_alias_name_is_not_written(board):
    board["connectors"][2]["id"] = "HE:0"
    with pytest.raises(ValueError, match="may not contain"):
        board_pins_cfg(board)
