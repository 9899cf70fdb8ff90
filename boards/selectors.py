"""Reads of the board catalog."""

from django.db.models import Q, QuerySet

from boards.models import Board


def board_search(*, search: str = "", manufacturer: str = "", mcu: str = "") -> QuerySet[Board]:
    """Boards whose name, manufacturer or MCU (family or chip) contain ``search``; the others filter exactly."""
    boards = Board.objects.all()
    for word in search.split():
        boards = boards.filter(
            Q(name__icontains=word)
            | Q(id__icontains=word)
            | Q(manufacturer__icontains=word)
            | Q(mcu_chip__icontains=word)
            | Q(mcu_family__iexact=word)
        )
    if manufacturer:
        boards = boards.filter(manufacturer__iexact=manufacturer)
    if mcu:
        boards = boards.filter(Q(mcu_chip__iexact=mcu) | Q(mcu_family__iexact=mcu))
    return boards


def board_get(*, board_id: str) -> Board | None:
    return Board.objects.filter(pk=board_id).first()
