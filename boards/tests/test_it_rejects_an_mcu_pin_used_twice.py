from boards.validation import definition_validate


def test_two_connectors_on_one_pin_are_rejected(board, connector):
    connector(board, "EXP1")["pins"][0]["mcu_pin"] = "PC8"  # HE0's pin
    errors = definition_validate(board)
    assert len(errors) == 1
    assert errors[0].path == "/connectors/4/pins/0/mcu_pin"
    assert "PC8 is used by connector EXP1, connector HE0" in errors[0].message


def test_a_driver_and_an_unrelated_connector_on_one_pin_are_rejected(board, connector):
    connector(board, "EXP1")["pins"][1]["mcu_pin"] = "PB13"  # DRIVER_X step
    errors = definition_validate(board)
    assert [error.path for error in errors] == ["/drivers/0/signals/step"]
    assert "driver DRIVER_X, connector EXP1" in errors[0].message


def test_a_pin_declared_in_shared_signals_is_accepted(board, connector):
    connector(board, "EXP1")["pins"][0]["mcu_pin"] = "PC8"
    board["shared_signals"].append({"mcu_pin": "PC8", "reason": "test", "connectors": ["HE0", "EXP1"]})
    assert definition_validate(board) == []


def test_a_shared_signal_must_name_every_user(board, connector):
    board["shared_signals"][0]["drivers"] = ["DRIVER_X"]
    messages = [error.message for error in definition_validate(board)]
    assert any("also used by driver DRIVER_Y" in message for message in messages)
    assert any("at least two users" in message for message in messages)


def test_a_shared_signal_may_not_name_a_user_that_does_not_use_the_pin(board, connector):
    board["shared_signals"][0]["connectors"] = ["HE0"]
    errors = definition_validate(board)
    assert [(error.path, error.message) for error in errors] == [
        ("/shared_signals/0", "names connector 'HE0', which does not use PC11")
    ]


def test_a_driver_signal_on_the_connector_it_feeds_is_the_same_wire(board, connector):
    connector(board, "MOTOR_X")["pins"] = [{"number": 1, "function": "step", "mcu_pin": "PB13"}]
    assert definition_validate(board) == []
    board["drivers"][0]["feeds"] = []
    assert any("PB13 is used by" in error.message for error in definition_validate(board))


def test_one_pin_on_two_contacts_of_a_connector_is_rejected(board, connector):
    connector(board, "EXP1")["pins"][1]["mcu_pin"] = "PB5"
    errors = definition_validate(board)
    assert [(error.path, error.message) for error in errors] == [
        ("/connectors/4/pins/1/mcu_pin", "PB5 appears on two contacts of connector 'EXP1'")
    ]


def test_drivers_on_one_uart_need_distinct_addresses(board, connector):
    board["drivers"][1]["uart_address"] = 0
    errors = definition_validate(board)
    assert [error.path for error in errors] == ["/drivers/1/uart_address"]
