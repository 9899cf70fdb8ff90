from boards.validation import pin_facts_check

FACTS = {
    "format": 1,
    "pins": [
        {"id": "extruder.heater_pin", "raw": "PC8", "pin": "PC8", "chip": None, "pull": None, "invert": False},
        {"id": "extruder.sensor_pin", "raw": "PA0", "pin": "PA0", "chip": None, "pull": None, "invert": False},
        {"id": "stepper_x.step_pin", "raw": "PB13", "pin": "PB13", "chip": None, "pull": None, "invert": False},
        {"id": "stepper_x.dir_pin", "raw": "!PB12", "pin": "PB12", "chip": None, "pull": None, "invert": True},
        {"id": "stepper_x.enable_pin", "raw": "!PB14", "pin": "PB14", "chip": None, "pull": None, "invert": True},
        {"id": "tmc2209 stepper_x.uart_pin", "raw": "PC11", "pin": "PC11", "chip": None, "pull": None, "invert": False},
        {"id": "stepper_x.endstop_pin", "raw": "^PC0", "pin": "PC0", "chip": None, "pull": "^", "invert": False},
        {"id": "board_pins.aliases.EXP1_9", "raw": "<GND>", "pin": None, "reserved": "<GND>"},
    ],
    "comment_pins": [{"id": "comment@L3", "line": 3, "text": "PA1 for X-max", "pins": ["PA1"]}],
}


def definition(board):
    board["connectors"][2]["pins"][0]["fact"] = "extruder.heater_pin"
    board["connectors"][3]["source"] = "klipper"
    board["connectors"][3]["pins"][0]["fact"] = "extruder.sensor_pin"
    exp1 = board["connectors"][4]
    exp1["source"] = "klipper"
    exp1["pins"] = [{"number": 9, "function": "gnd", "net": "GND", "fact": "board_pins.aliases.EXP1_9"}]
    board["connectors"].append(
        {
            "id": "X_STOP",
            "label": "X-STOP",
            "kind": "endstop",
            "source": "klipper",
            "pins": [
                {
                    "number": "SIG",
                    "function": "endstop",
                    "mcu_pin": "PC0",
                    "fact": "stepper_x.endstop_pin",
                    "default_pull": "^",
                },
                {"number": "MAX", "function": "endstop", "mcu_pin": "PA1", "fact": "comment@L3"},
            ],
        }
    )
    board["drivers"] = [
        {
            "id": "DRIVER_X",
            "label": "X",
            "signals": {"step": "PB13", "dir": "PB12", "enable": "PB14", "uart": "PC11"},
            "feeds": ["MOTOR_X"],
            "default_inversions": {"dir": True, "enable": True},
            "source": "klipper",
            "facts": {
                "step": "stepper_x.step_pin",
                "dir": "stepper_x.dir_pin",
                "enable": "stepper_x.enable_pin",
                "uart": "tmc2209 stepper_x.uart_pin",
            },
        }
    ]
    board["shared_signals"] = []
    return board


def test_matching_pins_give_no_message(board):
    assert pin_facts_check(definition(board), {"klipper": FACTS}) == []


def test_it_reports_a_different_pin(board):
    data = definition(board)
    data["connectors"][2]["pins"][0]["mcu_pin"] = "PC9"
    [message] = pin_facts_check(data, {"klipper": FACTS})
    assert message.startswith("/connectors/2/pins/0")
    assert "extruder.heater_pin is 'PC8'" in message


def test_it_reports_a_fact_the_source_does_not_have(board):
    data = definition(board)
    data["connectors"][3]["pins"][0]["fact"] = "extruder1.sensor_pin"
    [message] = pin_facts_check(data, {"klipper": FACTS})
    assert "no fact 'extruder1.sensor_pin'" in message


def test_it_reports_a_default_pull_or_inversion_the_source_does_not_give(board):
    data = definition(board)
    del data["connectors"][5]["pins"][0]["default_pull"]
    data["drivers"][0]["default_inversions"]["dir"] = False
    messages = pin_facts_check(data, {"klipper": FACTS})
    assert len(messages) == 2
    assert "default pull None" in messages[0]
    assert "default inversion False" in messages[1]


def test_it_reports_a_pin_a_comment_fact_does_not_mention(board):
    data = definition(board)
    data["connectors"][5]["pins"][1]["mcu_pin"] = "PA2"
    [message] = pin_facts_check(data, {"klipper": FACTS})
    assert "'PA1 for X-max'" in message


def test_it_reports_a_net_that_differs_from_the_reserved_alias(board):
    data = definition(board)
    data["connectors"][4]["pins"][0]["net"] = "5V"
    [message] = pin_facts_check(data, {"klipper": FACTS})
    assert "net 5V" in message


def test_it_reports_a_source_without_facts_and_a_pin_without_source(board):
    data = definition(board)
    del data["connectors"][3]["source"]
    messages = pin_facts_check(data, {})
    assert any("/connectors/3/pins/0" in message and "names no source" in message for message in messages)
    assert any("has no extracted facts" in message for message in messages)


def test_it_reports_a_pin_on_the_wrong_mcu(board):
    data = definition(board)
    data["secondary_mcu"] = "EBBCan"
    messages = pin_facts_check(data, {"klipper": FACTS})
    assert messages
    assert all("not 'EBBCan'" in message for message in messages)
