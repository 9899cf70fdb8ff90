"""Printers behind Moonraker: the JSON-RPC websocket client, the mapping of Klipper objects, the source."""
