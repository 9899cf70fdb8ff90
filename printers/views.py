"""The printer designer page (its work happens in the browser and in POST /api/printers-catalog/printer.cfg)."""

from django.shortcuts import render

from accounts.services import user_can_submit


def printer_designer(request):
    return render(request, "printer_designer.html", {"can_submit": user_can_submit(request.user)})
