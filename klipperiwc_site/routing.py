from status.routing import websocket_urlpatterns as status_websockets

websocket_urlpatterns = [*status_websockets]
