"""Every shipped printer definition is valid for its boards, and its printer.cfg parses the way Klipper reads a
config and holds only sections and options Klipper has, each value of its type, plus the macros a UI needs."""

import pytest

from printers.definitions import printer_definitions
from printers.klipper_config import config_parse, config_problems
from printers.services import printer_config

pytestmark = pytest.mark.django_db

SHIPPED = [pytest.param(definition, id=definition["id"]) for definition in printer_definitions()]


def test_at_least_four_printers_are_shipped_with_a_klipper_reference():
    assert len(SHIPPED) >= 4
    assert all(definition.values[0].get("klipper_reference") for definition in SHIPPED)


@pytest.mark.parametrize("definition", SHIPPED)
def test_its_printer_cfg_is_one_klipper_accepts(catalog, definition):
    problems, text = printer_config(definition=definition)

    assert problems == []
    assert config_problems(text) == []
    sections = set(config_parse(text).sections())
    assert {"mcu", "printer", "extruder", "virtual_sdcard", "pause_resume", "display_status"} <= sections
    assert {"gcode_macro PAUSE", "gcode_macro RESUME", "gcode_macro CANCEL_PRINT"} <= sections
    assert f"board_pins {definition['boards']['main']}" in sections
    if definition["kinematics"] != "none":
        assert {"stepper_x", "stepper_y", "stepper_z"} <= sections
    assert "# TUNE" in text


def test_the_checker_refuses_what_klipper_would():
    good = "[printer]\nkinematics: corexy\nmax_velocity: 300\nmax_accel: 3000\n"

    assert config_problems(good) == []
    assert config_problems(good.replace("corexy", "corexyz")) != []
    assert config_problems(good + "max_speed: 3\n") != []
    assert config_problems(good + "[stepper_x]\nstep_pin: PA1 PA2\n") != []
    assert config_problems(good + "[printer]\nmax_accel: 1\n") != []  # a section twice does not parse
    assert config_problems(good + "[teleporter]\n") != []
