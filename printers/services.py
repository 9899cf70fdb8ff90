"""Turning a printer definition into printer.cfg, with its boards from the board catalog."""

from __future__ import annotations

from boards.validation import ValidationError
from printers.klipper import printer_cfg
from printers.validation import printer_validate


def _catalog_board(board_id: str) -> dict | None:
    from boards.selectors import board_get

    board = board_get(board_id=board_id)
    return board.definition if board is not None else None


def printer_config(*, definition: object, board: str | None = None) -> tuple[list[ValidationError], str | None]:
    """(problems, None) or ([], the printer.cfg text); ``board`` puts another main board in the definition's place."""
    if board and isinstance(definition, dict) and isinstance(definition.get("boards"), dict):
        definition = {**definition, "boards": {**definition["boards"], "main": board}}
    problems, resolved = printer_validate(definition, board_lookup=_catalog_board)
    if resolved is None:
        return problems, None
    return [], printer_cfg(resolved)
