"""WebSocket routes of the site; a path none of them matches is refused at the handshake."""

import logging

from django.urls import re_path

from status.routing import websocket_urlpatterns as status_websockets

logger = logging.getLogger(__name__)


async def refuse_unknown_path(scope, receive, send):
    """Close before accepting, which daphne answers with HTTP 403.

    Without this route channels' URLRouter raised "No route found", which
    daphne logged with a traceback and answered 500.
    """
    message = await receive()
    if message["type"] == "websocket.connect":
        logger.warning("WebSocket handshake refused: no route for %r", scope["path"][:200])
        await send({"type": "websocket.close"})


websocket_urlpatterns = [*status_websockets, re_path(r"", refuse_unknown_path)]
