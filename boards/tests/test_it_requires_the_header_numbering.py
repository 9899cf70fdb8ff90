from boards.validation import definition_validate


def test_a_definition_without_header_numbering_is_rejected(board):
    del board["header_numbering"]
    errors = definition_validate(board)
    assert [(error.path, error.message) for error in errors] == [("", "'header_numbering' is a required property")]


def test_an_unknown_numbering_convention_is_rejected(board):
    board["header_numbering"]["convention"] = "marlin"
    errors = definition_validate(board)
    assert [error.path for error in errors] == ["/header_numbering/convention"]


def test_the_numbering_needs_notes(board):
    del board["header_numbering"]["notes"]
    assert [error.path for error in definition_validate(board)] == ["/header_numbering"]
