"""The one place that sends status events to /ws/status clients.

Events go out only after the transaction that stored them commits, and a
failing channel layer is logged, never raised into the request.
"""

from __future__ import annotations

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


def status_send(message: dict, *, group: str = STATUS_GROUP) -> bool:
    """Send ``message`` to the clients of ``group`` in every daphne process."""
    try:
        async_to_sync(get_channel_layer().group_send)(group, {"type": "status.message", "message": message})
    except Exception:
        logger.exception("Broadcast to %s failed", group)
        return False
    return True


def status_broadcast_on_commit(*, printer: Printer, status: PrinterStatus, seq: int) -> None:
    """After commit, send to the clients following all printers and to those following this one."""
    message = status_message(printer=printer, status=status, seq=seq)

    def send() -> None:
        status_send(message, group=STATUS_GROUP)
        status_send(message, group=printer_group(printer.slug))

    transaction.on_commit(send, robust=True)
