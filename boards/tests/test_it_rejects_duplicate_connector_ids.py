from boards.validation import definition_validate


def test_two_connectors_with_one_id_are_rejected(board, connector):
    connector(board, "TH0")["id"] = "HE0"
    errors = definition_validate(board)
    assert ("/connectors/3/id", "duplicate id 'HE0' (also connectors[2])") in [(e.path, e.message) for e in errors]


def test_ids_differing_only_in_case_are_rejected(board, connector):
    connector(board, "TH0")["id"] = "he0"
    errors = definition_validate(board)
    assert errors[0].path == "/connectors/3/id"
    assert errors[0].message == "duplicate id 'he0' (also connectors[2])"
    assert "alias HE0_SIG is generated twice" in errors[1].message


def test_duplicate_pin_numbers_on_a_connector_are_rejected(board, connector):
    connector(board, "EXP1")["pins"][1]["number"] = 1
    messages = [error.message for error in definition_validate(board)]
    assert "pin number 1 appears twice on connector 'EXP1'" in messages
