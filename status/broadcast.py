"""The one place that sends status events to /ws/status clients."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

STATUS_GROUP = "status"


def status_send(message: dict) -> None:
    """Send ``message`` to every /ws/status client (in every daphne process)."""
    async_to_sync(get_channel_layer().group_send)(STATUS_GROUP, {"type": "status.message", "message": message})
