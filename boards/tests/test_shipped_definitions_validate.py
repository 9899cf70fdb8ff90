import pytest

from boards.validation import DEFINITIONS_DIR, definition_load, definition_paths, definition_validate

EXPECTED = {
    "bigtreetech/btt-skr-mini-e3-v3.0.json",
    "bigtreetech/btt-octopus-v1.1.json",
    "bigtreetech/btt-skr-pico-v1.0.json",
    "bigtreetech/btt-ebb-can-v1.2.json",
    "creality/creality-4.2.2.json",
    "fysetc/fysetc-spider-v1.x.json",
}


def test_the_six_boards_are_shipped():
    assert {path.relative_to(DEFINITIONS_DIR).as_posix() for path in definition_paths()} == EXPECTED


@pytest.mark.parametrize("path", definition_paths(), ids=lambda path: path.stem)
def test_shipped_definition_is_valid(path):
    definition = definition_load(path)
    assert definition_validate(definition) == []
    assert path.stem == definition["id"]


def test_the_minimal_test_board_is_valid(board):
    assert definition_validate(board) == []
