"""The printer designer page (its work happens in the browser and in POST /api/printers-catalog/printer.cfg)."""

from django.shortcuts import render


def printer_designer(request):
    return render(request, "printer_designer.html")
