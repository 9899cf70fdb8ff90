"""A small valid board definition that each bad-definition test breaks in one way."""

import copy

import pytest

MINIMAL = {
    "schema_version": 1,
    "id": "test-board-v1.0",
    "name": "Test board",
    "manufacturer": "Test",
    "revision": "V1.0",
    "mcu": {"family": "stm32", "chip": "stm32g0b1"},
    "sources": [
        {
            "id": "klipper",
            "title": "A Klipper config",
            "url": "https://github.com/Klipper3d/klipper/blob/master/config/test.cfg",
            "kind": "klipper_config",
        }
    ],
    "header_numbering": {"convention": "klipper", "notes": "RepRapDiscount numbering."},
    "images": [],
    "drivers": [
        {
            "id": "DRIVER_X",
            "label": "X driver",
            "signals": {"step": "PB13", "dir": "PB12", "enable": "PB14", "uart": "PC11"},
            "feeds": ["MOTOR_X"],
            "default_inversions": {"enable": True},
            "uart_address": 0,
        },
        {
            "id": "DRIVER_Y",
            "label": "Y driver",
            "signals": {"step": "PB10", "dir": "PB2", "enable": "PB11", "uart": "PC11"},
            "feeds": ["MOTOR_Y"],
            "uart_address": 2,
        },
    ],
    "connectors": [
        {"id": "MOTOR_X", "label": "X motor", "kind": "stepper", "pins": []},
        {"id": "MOTOR_Y", "label": "Y motor", "kind": "stepper", "pins": []},
        {
            "id": "HE0",
            "label": "HE0",
            "kind": "heater",
            "source": "klipper",
            "pins": [{"number": "SIG", "function": "heater_pwm", "mcu_pin": "PC8"}],
        },
        {
            "id": "TH0",
            "label": "TH0",
            "kind": "thermistor",
            "pins": [{"number": "SIG", "function": "thermistor_adc", "mcu_pin": "PA0"}],
        },
        {
            "id": "EXP1",
            "label": "EXP1",
            "kind": "expansion",
            "pins": [
                {"number": 1, "function": "gpio", "mcu_pin": "PB5"},
                {"number": 2, "function": "gpio", "mcu_pin": "PA15"},
                {"number": 9, "function": "gnd", "net": "GND"},
                {"number": 10, "function": "power", "net": "5V"},
            ],
        },
    ],
    "shared_signals": [
        {"mcu_pin": "PC11", "reason": "One TMC UART bus", "drivers": ["DRIVER_X", "DRIVER_Y"]},
    ],
}


@pytest.fixture
def board():
    """A fresh copy of a minimal valid definition."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def connector():
    """Look a connector up by id: connector(board, "HE0")."""

    def find(board, connector_id):
        return next(item for item in board["connectors"] if item["id"] == connector_id)

    return find
