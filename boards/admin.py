"""The board catalog, read-only: boards change through definition files and `manage.py sync_boards`."""

import json

from django.contrib import admin
from django.utils.html import format_html

from boards.models import Board
from klipperiwc_site.admin_mixins import ReadOnlyModelAdmin


@admin.register(Board)
class BoardAdmin(ReadOnlyModelAdmin):
    list_display = [
        "id",
        "name",
        "manufacturer",
        "revision",
        "mcu_chip",
        "secondary_mcu",
        "connectors",
        "updated_at",
    ]
    list_filter = ["manufacturer", "mcu_family", "mcu_chip"]
    search_fields = ["id", "name", "manufacturer", "mcu_chip"]
    # Without change permission every field shows read-only; the definition shows pretty-printed.
    readonly_fields = ["pretty_definition"]
    exclude = ["definition"]

    @admin.display(description="Connectors")
    def connectors(self, board):
        return board.connector_count

    @admin.display(description="Definition")
    def pretty_definition(self, board):
        text = json.dumps(board.definition, indent=2)
        return format_html("<pre style='max-height:40em;overflow:auto'>{}</pre>", text)
