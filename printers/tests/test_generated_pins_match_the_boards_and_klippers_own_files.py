"""The pins of every shipped printer's printer.cfg equal Klipper's own config file for that hardware (its pin
facts in boards/sources/klipper/, with their commit and checksum), modifiers included, and each one is the pin
the board definition gives that driver signal or connector."""

import json

import pytest

from boards.validation import SOURCES_DIR
from printers.definitions import printer_definitions
from printers.klipper_config import config_parse
from printers.services import printer_config

pytestmark = pytest.mark.django_db

SHIPPED = [pytest.param(definition, id=definition["id"]) for definition in printer_definitions()]
FAN_SECTIONS = ("fan", "heater_fan", "controller_fan")


def _facts(name: str) -> dict:
    return json.loads((SOURCES_DIR / "klipper" / name).read_text(encoding="utf-8"))


def _is_fan(section: str) -> bool:
    return section.split(" ", 1)[0] in FAN_SECTIONS


@pytest.mark.parametrize("definition", SHIPPED)
def test_every_pin_klippers_file_gives_is_the_one_generated(catalog, definition):
    _problems, text = printer_config(definition=definition)
    config = config_parse(text)
    compared = 0
    for reference in definition["klipper_reference"]:
        facts = _facts(reference["facts"])
        assert facts["source"]["commit"]
        assert len(facts["source"]["sha256"]) == 64
        wanted = set(reference.get("sections", [])) or None
        klipper_fans, our_fans = [], []
        for fact in facts["pins"]:
            section, key = fact["section"], fact["key"]
            if not fact["active"] or (wanted and section not in wanted):
                continue
            if _is_fan(section):
                klipper_fans.append(fact["raw"])
                continue
            if not config.has_section(section) or section.startswith("board_pins"):
                continue  # hardware the definition does not describe (a display, an accelerometer)
            assert config.get(section, key) == fact["raw"], f"[{section}] {key}"
            compared += 1
        for section in config.sections():
            if _is_fan(section) and (not wanted or section in wanted):
                our_fans.append(config.get(section, "pin"))
        assert sorted(our_fans) == sorted(klipper_fans), reference["facts"]
        compared += len(klipper_fans)
    assert compared >= 8  # steppers, heaters, thermistors and fans were all compared


def test_each_pin_is_the_board_definitions(catalog):
    from boards.selectors import board_get

    definition = next(d for d in printer_definitions() if d["id"] == "creality-ender3-skr-mini-e3-v3")
    board = board_get(board_id="btt-skr-mini-e3-v3.0").definition
    config = config_parse(printer_config(definition=definition)[1])
    driver_x = next(d for d in board["drivers"] if d["id"] == "DRIVER_X")
    heater = next(c for c in board["connectors"] if c["id"] == "HE")

    assert config.get("stepper_x", "step_pin") == driver_x["signals"]["step"]
    assert config.get("stepper_x", "dir_pin") == "!" + driver_x["signals"]["dir"]  # the board's default inversion
    assert config.get("tmc2209 stepper_x", "uart_address") == str(driver_x["uart_address"])
    assert config.get("extruder", "heater_pin") == heater["pins"][0]["mcu_pin"]
    assert config.get("stepper_x", "endstop_pin") == "^PC0"  # the connector's default pull-up
    assert config.get("stepper_z", "rotation_distance") == "8"  # 2 mm pitch x 4 starts
