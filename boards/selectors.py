"""Reads of the board catalog."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from boards.models import Board
from boards.validation import definition_aliases


def board_search(
    *, search: str = "", manufacturer: str = "", mcu: str = "", kinds: Iterable[str] = (), source: str = ""
) -> QuerySet[Board]:
    """Boards whose name, manufacturer or MCU (family or chip) contain ``search``; the others filter exactly.

    ``kinds``: boards with a connector of every one of these kinds; ``source``: repository or community.
    """
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
    for kind in kinds:
        boards = boards.filter(connector_kinds__contains=f",{kind},")
    if source:
        boards = boards.filter(source=source)
    return boards


def board_facets() -> dict[str, list[str]]:
    """The manufacturers and MCU chips the catalog has, for the library's filters."""
    return {
        "manufacturers": sorted(set(Board.objects.values_list("manufacturer", flat=True)), key=str.lower),
        "mcus": sorted(set(Board.objects.values_list("mcu_chip", flat=True)), key=str.lower),
    }


def board_overlay(definition: dict, *, picture_url: str | None) -> dict:
    """What a page draws over a board's picture: each connector's shape and its pins with their aliases.

    Shapes are fractions of the picture (the schema's geometry); a connector without one is listed only.
    """
    aliases = {path: name for name, _value, path in definition_aliases(definition)}
    image = (definition.get("images") or [None])[0]
    connectors = []
    for c_index, connector in enumerate(definition.get("connectors", [])):
        geometry = connector.get("geometry")
        pins = [
            {
                "number": pin["number"],
                "function": pin["function"],
                "mcu_pin": pin.get("mcu_pin"),
                "net": pin.get("net"),
                "alias": aliases.get(("connectors", c_index, "pins", p_index)),
                "pull": pin.get("default_pull"),
                "invert": bool(pin.get("default_invert")),
            }
            for p_index, pin in enumerate(connector.get("pins", []))
        ]
        connectors.append(
            {
                "id": connector["id"],
                "label": connector["label"],
                "kind": connector["kind"],
                "geometry": geometry if geometry and image and geometry.get("image") == image["id"] else None,
                "pins": pins,
                "drivers": [d["id"] for d in definition.get("drivers", []) if connector["id"] in d.get("feeds", [])],
            }
        )
    return {
        "picture": picture_url,
        "width": image["width"] if image else None,
        "height": image["height"] if image else None,
        "connectors": connectors,
    }


def board_get(*, board_id: str) -> Board | None:
    return Board.objects.filter(pk=board_id).first()
