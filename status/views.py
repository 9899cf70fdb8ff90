from django.shortcuts import render

from status.selectors import printer_list_with_state


def dashboard(request):
    return render(request, "dashboard.html", {"printers": printer_list_with_state().filter(enabled=True)})
