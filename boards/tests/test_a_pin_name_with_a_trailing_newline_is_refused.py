"""Python's ``$`` also matches before a final newline: "PC8\n" must not pass as a pin name or an id."""

import copy

from boards.validation import definition_load, definition_paths, definition_validate, pin_name_valid


def _shipped() -> dict:
    return definition_load(definition_paths()[0])


def test_pin_name_valid_refuses_a_trailing_newline():
    assert pin_name_valid("stm32", "PC8")
    assert not pin_name_valid("stm32", "PC8\n")


def test_a_definition_with_a_newline_after_a_pin_is_invalid_at_that_pin():
    definition = copy.deepcopy(_shipped())
    assert definition_validate(definition) == []
    connector = next(c for c in definition["connectors"] if any(p.get("mcu_pin") for p in c["pins"]))
    index = next(i for i, p in enumerate(connector["pins"]) if p.get("mcu_pin"))
    connector["pins"][index]["mcu_pin"] += "\n"

    errors = definition_validate(definition)

    assert errors, "a pin with a trailing newline was accepted"
    assert any(error.path.endswith(f"/pins/{index}/mcu_pin") for error in errors), errors


def test_a_definition_id_with_a_trailing_newline_is_invalid():
    definition = copy.deepcopy(_shipped())
    definition["id"] = definition["id"] + "\n"

    assert [error.path for error in definition_validate(definition)] == ["/id"]
