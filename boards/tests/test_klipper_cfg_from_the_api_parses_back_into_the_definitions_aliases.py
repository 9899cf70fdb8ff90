import io

import pytest
from django.core.management import call_command

from boards.klipper import board_pins_parse, board_pins_sections
from boards.validation import definition_aliases, definition_load, definition_paths

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", definition_paths(), ids=lambda path: path.stem)
def test_every_board_exports_a_board_pins_section_equal_to_its_definition(client, path):
    call_command("sync_boards", stdout=io.StringIO())
    definition = definition_load(path)

    response = client.get(f"/api/boards/{definition['id']}/klipper.cfg")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    expected = {name: value for name, value, _ in definition_aliases(definition)}
    assert board_pins_parse(text) == expected
    assert expected  # every shipped board has aliases
    section = board_pins_sections(text)[f"board_pins {definition['id']}"]
    if definition.get("secondary_mcu"):
        assert section["mcu"] == [definition["secondary_mcu"]]
    for value in expected.values():
        assert value.startswith("<") or not set(value) & set("^~!: ")  # no modifiers in pin values
