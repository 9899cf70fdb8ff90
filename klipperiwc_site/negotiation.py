"""Content negotiation for views whose answer is not JSON (a file, a klipper.cfg text).

DRF refuses a request with 406 when no renderer matches its Accept header, and
these views have only the JSON renderer (for their errors): an <img> asking for
image/* or a client asking for text/plain would be refused the very thing it asked
for. Their answer is what it is whatever the client accepts; errors stay JSON.
"""

from rest_framework.negotiation import DefaultContentNegotiation


class AnyAccept(DefaultContentNegotiation):
    """Request bodies are parsed by their Content-Type as usual; only Accept is not held against the client."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
