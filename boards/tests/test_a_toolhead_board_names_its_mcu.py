from boards.klipper import board_pins_cfg, board_pins_sections
from boards.validation import definition_load, definition_paths, definition_validate


def test_the_ebb_section_names_the_ebbcan_mcu():
    path = next(path for path in definition_paths() if path.stem == "btt-ebb-can-v1.2")
    text = board_pins_cfg(definition_load(path))
    assert "\nmcu: EBBCan\n" in text
    [section] = board_pins_sections(text).values()
    assert section["mcu"] == ["EBBCan"]
    assert section["aliases"]["E0_SIG"] == "PB13"


def test_a_main_board_section_uses_the_default_mcu(board):
    [section] = board_pins_sections(board_pins_cfg(board)).values()
    assert section["mcu"] == ["mcu"]


def test_a_secondary_mcu_cannot_be_called_mcu(board):
    board["secondary_mcu"] = "mcu"
    assert [error.path for error in definition_validate(board)] == ["/secondary_mcu"]
