"""The /ws/status WebSocket.

Clients join the "status" group; whatever the status app broadcasts to that
group (see status/broadcast.py) is forwarded to every connected client.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from status.broadcast import STATUS_GROUP


class StatusConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(STATUS_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(STATUS_GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "detail": 'Unknown message; send {"type": "ping"}.'})

    async def status_message(self, event):
        """Group event of type "status.message": forward its message as is."""
        await self.send_json(event["message"])
