"""The board pages: the library (/boards), one board (/boards/<id>) and its repository file, the designer."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts.services import user_can_submit
from assets import storage
from boards import selectors
from boards.definition_files import definition_file_path, definition_file_text
from boards.models import Board, BoardSource
from boards.validation import schema_load

LIBRARY_PAGE_SIZE = 400  # hundreds on one page (bench/library_bench.py); beyond that, pages


def connector_kinds() -> list[str]:
    return schema_load()["$defs"]["connector"]["properties"]["kind"]["enum"]


def board_designer(request):
    return render(request, "board_designer.html", {"can_submit": user_can_submit(request.user)})


def _picture_url(board: Board, request, variant: str = "file") -> str | None:
    """A link to the board's picture while it is approved and public (a picture rejected later is not shown)."""
    if board.picture is None or not board.picture.is_public:
        return None
    return storage.asset_url(board.picture, variant, request=request) or (
        storage.asset_url(board.picture, "file", request=request) if variant != "file" else None
    )


def board_library(request):
    params = request.GET
    kinds = [kind for kind in params.getlist("kind") if kind in connector_kinds()]
    source = params.get("source", "") if params.get("source") in BoardSource.values else ""
    boards = (
        selectors.board_search(
            search=params.get("q", ""),
            manufacturer=params.get("manufacturer", ""),
            mcu=params.get("mcu", ""),
            kinds=kinds,
            source=source,
        )
        .select_related("picture", "submitted_by")
        .defer("definition")
    )  # the cards need no definition
    page = Paginator(boards, LIBRARY_PAGE_SIZE).get_page(params.get("page"))
    cards = [{"board": board, "thumbnail": _picture_url(board, request, "thumbnail")} for board in page]
    others = params.copy()
    others.pop("page", None)
    return render(
        request,
        "boards/library.html",
        {
            "cards": cards,
            "page": page,
            "query": others.urlencode(),
            "facets": selectors.board_facets(),
            "kinds": connector_kinds(),
            "chosen": {
                "q": params.get("q", ""),
                "manufacturer": params.get("manufacturer", ""),
                "mcu": params.get("mcu", ""),
                "kinds": kinds,
                "source": source,
            },
            "sources": BoardSource.values,
        },
    )


def _board_or_404(board_id: str) -> Board:
    board = Board.objects.select_related("picture", "submitted_by").filter(pk=board_id).first()
    if board is None:
        raise Http404(f"No board with id {board_id!r}.")
    return board


def board_page(request, board_id: str):
    board = _board_or_404(board_id)
    definition = board.definition
    return render(
        request,
        "boards/board.html",
        {
            "board": board,
            "overlay": selectors.board_overlay(definition, picture_url=_picture_url(board, request)),
            "drivers": definition.get("drivers", []),
            "file_path": f"boards/definitions/{definition_file_path(definition)}",
        },
    )


def board_overlay_json(request, board_id: str):
    """What the printer designer draws over a board's picture (the board page's overlay data)."""
    board = _board_or_404(board_id)
    return JsonResponse(selectors.board_overlay(board.definition, picture_url=_picture_url(board, request)))


def board_file(request, board_id: str):
    """The definition as the repository file (exactly as a pull request would commit it)."""
    board = _board_or_404(board_id)
    response = HttpResponse(definition_file_text(board.definition), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{board.pk}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
