"""daphne_patches.form_parsing_off turns Twisted's form parsing off through its public keyword.

test_daphne_leaves_form_bodies_to_django.py shows the effect through a real
daphne; this shows the keyword reaches Twisted's Request for each request
daphne's channel builds (as requestFactory(channel), without keywords).
"""

from types import SimpleNamespace

from daphne.http_protocol import WebRequest
from twisted.internet.testing import StringTransport
from twisted.web.http import HTTPChannel

from klipperiwc_site.daphne_patches import form_parsing_off


def test_each_request_daphne_builds_leaves_form_bodies_unparsed() -> None:
    form_parsing_off()
    form_parsing_off()  # applied twice (asgi.py imported again): still one wrapper
    channel = HTTPChannel()
    channel.makeConnection(StringTransport())
    connected: list[WebRequest] = []
    channel.factory = SimpleNamespace(server=SimpleNamespace(protocol_connected=connected.append))
    request = WebRequest(channel)
    assert connected == [request]
    # What Twisted's Request.__init__ stores the keyword as, and requestReceived reads.
    assert request._parsePOSTFormSubmission is False
    assert WebRequest(channel, parsePOSTFormSubmission=True)._parsePOSTFormSubmission is True
