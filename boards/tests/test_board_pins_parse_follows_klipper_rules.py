import pytest

from boards.klipper import board_pins_parse, board_pins_sections

KLIPPER_STYLE = """
[printer]
kinematics: none

[board_pins]
aliases:
    # EXP1 header
    EXP1_1=PE8, EXP1_2=PE7,
    EXP1_5=PE12, EXP1_6=PE13,    # Slot in the socket on this side

    EXP1_9=<GND>, EXP1_10=<5V>,
aliases_extra: SERVO=PB6 ; a semicolon comment
    , PROBE=PB7

[board_pins toolhead]
mcu: EBBCan, other
aliases: HE0=PB13,#no space before this comment
"""


def test_multi_line_values_comments_and_extra_options():
    assert board_pins_parse(KLIPPER_STYLE) == {
        "EXP1_1": "PE8",
        "EXP1_2": "PE7",
        "EXP1_5": "PE12",
        "EXP1_6": "PE13",
        "EXP1_9": "<GND>",
        "EXP1_10": "<5V>",
        "SERVO": "PB6",
        "PROBE": "PB7",
        "HE0": "PB13",
    }


def test_sections_keep_their_mcu_list():
    sections = board_pins_sections(KLIPPER_STYLE)
    assert sections["board_pins"]["mcu"] == ["mcu"]
    assert sections["board_pins toolhead"]["mcu"] == ["EBBCan", "other"]
    assert sections["board_pins toolhead"]["aliases"] == {"HE0": "PB13"}


def test_other_sections_are_ignored():
    assert board_pins_parse("[board_pinsx]\naliases: A=PA1\n[printer]\naliases: B=PB1\n") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[board_pins]\naliases: A=PA1=PA2\n", "must have 2 elements"),
        ("[board_pins]\naliases: A\n", "must have 2 elements"),
        ("[board_pins]\naliases: A=^PA1\n", "Invalid pin alias"),
        ("[board_pins]\naliases: A=EBBCan:PA1\n", "Invalid pin alias"),
        ("[board_pins]\naliases: A=PA1, A=PA2\n", "Alias A mapped to PA1"),
        ("[board_pins a]\naliases: A=PA1\n[board_pins b]\naliases: A=PA2\n", "Alias A mapped to PA1"),
        ("[board_pins]\nmcu: mcu\n", "'aliases' in section 'board_pins' must be specified"),
    ],
)
def test_what_klipper_refuses_raises(text, message):
    with pytest.raises(ValueError, match=message):
        board_pins_parse(text)


def test_the_same_alias_twice_with_one_value_is_fine():
    assert board_pins_parse("[board_pins]\naliases: A=PA1, A=PA1,\n") == {"A": "PA1"}
