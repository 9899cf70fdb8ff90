"""The site's pages about printers: the farm at / and one printer's page.

Both render a shell; the browser fills it from the API and /ws/status
(static/js/farm/, static/js/printer/).
"""

from django.http import Http404
from django.shortcuts import render

from status.models import Printer, PrinterState
from status.selectors import printer_list_with_state

# The order of the summary line and the state filter.
FARM_STATES = (PrinterState.PRINTING, PrinterState.PAUSED, PrinterState.IDLE, PrinterState.ERROR, PrinterState.OFFLINE)


def farm(request):
    """Every enabled printer as a live card (static/js/farm/main.js)."""
    printers = [
        {
            "slug": printer.slug,
            "name": printer.name,
            "source_kind": printer.source_kind,
            "tags": list(printer.tags or []),
            "state": printer.state,
        }
        for printer in printer_list_with_state().filter(enabled=True)
    ]
    return render(
        request,
        "farm.html",
        {
            "printers": printers,
            "states": [state.value for state in FARM_STATES],
            # Wall mode from the first paint (the script keeps it in step with the URL afterwards).
            "wall": request.GET.get("wall") in ("1", "true"),
        },
    )


def printer_page(request, slug: str):
    """One printer in depth; a slug no printer has is a 404 page."""
    printer = Printer.objects.filter(slug=slug).first()
    if printer is None:
        raise Http404(f"No printer with slug {slug!r}.")
    return render(request, "printer.html", {"printer": printer})
