from boards.validation import definition_validate


def test_a_pin_with_a_modifier_is_rejected_at_its_path(board):
    board["connectors"][4]["pins"][0]["mcu_pin"] = "^PB5"
    errors = definition_validate(board)
    assert [error.path for error in errors] == ["/connectors/4/pins/0/mcu_pin"]
    assert "does not match" in errors[0].message


def test_a_contact_with_both_an_mcu_pin_and_a_net_is_rejected(board):
    board["connectors"][4]["pins"][2]["mcu_pin"] = "PB6"
    errors = definition_validate(board)
    assert [error.path for error in errors] == ["/connectors/4/pins/2"]


def test_a_contact_with_neither_is_rejected(board):
    del board["connectors"][4]["pins"][2]["net"]
    assert [error.path for error in definition_validate(board)] == ["/connectors/4/pins/2"]


def test_a_net_cannot_carry_a_pull_up(board):
    board["connectors"][4]["pins"][2]["default_pull"] = "^"
    assert [error.path for error in definition_validate(board)] == ["/connectors/4/pins/2"]


def test_an_unknown_property_is_rejected(board):
    board["connectors"][2]["colour"] = "red"
    errors = definition_validate(board)
    assert [error.path for error in errors] == ["/connectors/2"]
    assert "colour" in errors[0].message


def test_an_unknown_connector_kind_and_schema_version_are_rejected(board):
    board["connectors"][2]["kind"] = "laser"
    board["schema_version"] = 2
    assert [error.path for error in definition_validate(board)] == ["/connectors/2/kind", "/schema_version"]


def test_pointer_parts_are_escaped(board):
    board["drivers"][0]["signals"]["st/ep"] = "PA1"
    assert [error.path for error in definition_validate(board)] == ["/drivers/0/signals"]
    del board["drivers"][0]["signals"]["st/ep"]
    board["drivers"][0]["facts"] = {"a/b~c": "x"}
    errors = definition_validate(board)
    assert [(error.path, error.message) for error in errors] == [
        ("/drivers/0/facts/a~1b~0c", "no signal 'a/b~c' on this driver")
    ]
