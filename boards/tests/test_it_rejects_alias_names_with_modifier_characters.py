import pytest

from boards.validation import alias_problem, definition_validate


@pytest.mark.parametrize(
    ("connector_id", "shown"), [("EXP1:A", "':'"), ("HE 0", "space"), ("FAN!0", "'!'"), ("^T0", "'^'")]
)
def test_a_connector_id_with_a_modifier_character_is_rejected(board, connector, connector_id, shown):
    connector(board, "HE0")["id"] = connector_id
    errors = definition_validate(board)
    assert [error.path for error in errors] == ["/connectors/2/id"]
    assert shown in errors[0].message
    assert "^ ~ ! :" in errors[0].message


def test_other_punctuation_is_rejected_too():
    assert alias_problem("EXP1-1") == "alias name 'EXP1-1' may only use letters, digits and '_'"
    assert alias_problem("EXP1_1") is None


def test_two_contacts_generating_one_alias_are_rejected(board, connector):
    board["connectors"].append(
        {
            "id": "HE0_SIG",
            "label": "odd",
            "kind": "other",
            "pins": [{"number": "X", "function": "gpio", "mcu_pin": "PB9"}],
        }
    )
    connector(board, "HE0")["pins"].append({"number": "SIG_X", "function": "gpio", "mcu_pin": "PB8"})
    errors = definition_validate(board)
    assert [error.path for error in errors] == ["/connectors/5/pins/0"]
    assert "alias HE0_SIG_X is generated twice" in errors[0].message
