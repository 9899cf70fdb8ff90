"""Definitions that do not fit their boards are refused with every problem at its JSON path."""

import copy

import pytest

from printers.definitions import printer_definition
from printers.services import printer_config

pytestmark = pytest.mark.django_db


def _changed(change, printer_id="creality-ender3-skr-mini-e3-v3"):
    definition = copy.deepcopy(printer_definition(printer_id))
    change(definition)
    problems, text = printer_config(definition=definition)
    assert text is None
    return {problem.path: problem.message for problem in problems}


def test_a_driver_or_connector_the_board_lacks(catalog):
    problems = _changed(lambda d: d["axes"]["x"]["steppers"][0].update(driver="DRIVER9"))
    assert "DRIVER9" in problems["/axes/x/steppers/0/driver"]

    problems = _changed(lambda d: d["extruder"]["heater"].update(connector="NOPE"))
    assert "no connector 'NOPE'" in problems["/extruder/heater/connector"]


def test_a_connector_that_does_not_fit_its_use(catalog):
    problems = _changed(lambda d: d["extruder"].update(thermistor={"connector": "FAN0"}))
    assert problems["/extruder/thermistor/connector"] == "FAN0 is a fan connector, not a thermistor connector"


def test_a_pin_used_twice(catalog):
    problems = _changed(lambda d: d["fans"].update(hotend={"connector": "FAN0"}))
    assert any("used twice" in message for message in problems.values())


def test_sensorless_homing_needs_a_diag_pin(catalog):
    problems = _changed(lambda d: d["axes"]["x"].update(homing={"sensorless": True}))
    assert "DIAG" in problems["/axes/x/homing"]


def test_a_toolhead_reference_without_a_toolhead_board_and_an_unknown_board(catalog):
    problems = _changed(lambda d: d["fans"]["part"].update(board="toolhead"))
    assert "no toolhead board" in problems["/fans/part/board"]

    problems = _changed(lambda d: d["boards"].update(main="no-such-board"))
    assert "no board 'no-such-board'" in problems["/boards/main"]


def test_schema_problems_come_first_with_their_paths(catalog):
    problems = _changed(lambda d: d["axes"]["z"]["steppers"][0].update(microsteps=3))
    assert "/axes/z/steppers/0/microsteps" in problems
