"""The one place that sends status events to /ws/status clients.

Events go out only after the transaction that stored them commits, and a
failing channel layer is logged, never raised into the request.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

if TYPE_CHECKING:
    from status.models import Printer
    from status.sources import PrinterStatus

logger = logging.getLogger(__name__)

STATUS_GROUP = "status"


def printer_group(slug: str) -> str:
    return f"status.printer.{slug}"


def status_message(*, printer: Printer, status: PrinterStatus, seq: int) -> dict:
    from status.api.serializers import status_payload

    return {
        "type": "status",
        "seq": seq,
        "printer": printer.slug,
        "payload": status_payload(printer=printer, status=status),
    }


def status_event(*, text: str, printer: str | None = None, seq: int | None = None) -> dict:
    """The group event "status.message": the JSON ``text`` a client gets, and beside it the printer
    and seq it carries, so that a consumer can drop a repeat without parsing the text."""
    return {"type": "status.message", "text": text, "printer": printer, "seq": seq}


def status_send_many(deliveries: list[tuple[str, dict]]) -> bool:
    """Send each (group, status_event) to its clients in every daphne process, in one trip to the event loop."""

    async def send_all() -> None:
        layer = get_channel_layer()
        for group, event in deliveries:
            await layer.group_send(group, event)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.exception("Broadcast of %d status message(s) failed", len(deliveries))
        return False
    return True


def status_broadcast_on_commit(snapshots: list[tuple[Printer, PrinterStatus, int]]) -> None:
    """After commit, send each (printer, status, seq) to the clients following all printers and that one."""
    deliveries = []
    for printer, status, seq in snapshots:
        # Serialised once here, not once per group and per client.
        event = status_event(
            text=json.dumps(status_message(printer=printer, status=status, seq=seq)), printer=printer.slug, seq=seq
        )
        deliveries += [(STATUS_GROUP, event), (printer_group(printer.slug), event)]
    transaction.on_commit(lambda: status_send_many(deliveries), robust=True)
