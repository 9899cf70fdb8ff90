"""The community printers, read-only: they come from approved printer submissions (submissions/)."""

import json

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from klipperiwc_site.admin_mixins import ReadOnlyModelAdmin
from printers.models import CommunityPrinter


@admin.register(CommunityPrinter)
class CommunityPrinterAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "name", "manufacturer", "kinematics", "main_board", "toolhead_board", "submitted_by"]
    list_filter = ["manufacturer", "kinematics"]
    search_fields = ["id", "name", "manufacturer", "main_board", "toolhead_board"]
    # Without change permission every field shows read-only; the definition shows pretty-printed.
    readonly_fields = ["pretty_definition", "submission_link"]
    exclude = ["definition"]

    @admin.display(description="Submission")
    def submission_link(self, printer):
        if printer.submission_id is None:
            return "—"
        url = reverse("printer-submission-review", args=[printer.submission_id])
        return format_html('<a href="{}">its review page</a>', url)

    @admin.display(description="Definition")
    def pretty_definition(self, printer):
        return format_html("<pre>{}</pre>", json.dumps(printer.definition, indent=2, ensure_ascii=False))
