"""The site's pages about printers: the farm at / and one printer's page.

Both render a shell; the browser fills it from the API and /ws/status
(static/js/farm/, static/js/printer/).
"""

from django.http import Http404
from django.shortcuts import render

from status.models import Printer
from status.selectors import printer_list_with_state


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
    return render(request, "farm.html", {"printers": printers})


def printer_page(request, slug: str):
    """One printer in depth; a slug no printer has is a 404 page."""
    printer = Printer.objects.filter(slug=slug).first()
    if printer is None:
        raise Http404(f"No printer with slug {slug!r}.")
    return render(request, "printer.html", {"printer": printer})
