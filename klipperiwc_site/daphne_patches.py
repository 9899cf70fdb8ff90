"""One change to how daphne receives HTTP requests, applied by asgi.py when daphne serves the project.

Twisted's Request parses every multipart/form-data and url-encoded POST body
itself (into ``request.args``) before daphne hands the body to the ASGI
application: it reads the whole body into memory and its parser copies it
several times. A 20 MB board-asset upload made a daphne process grow by about
220 MB that way, and a malformed body got Twisted's HTML "Bad Request"
instead of our JSON error. Daphne never reads ``request.args`` (Django parses
the body from the ASGI messages), so that parsing is switched off through
Twisted's own ``parsePOSTFormSubmission`` keyword of ``Request.__init__``.

Both patches wrap daphne's and Twisted's request methods; ``UPSTREAM``
fingerprints them (klipperiwc_site/upstream.py), so an upgrade that changes
them fails a test naming what to re-check here.
"""

from functools import wraps

from klipperiwc_site.upstream import UpstreamCode

UPSTREAM = (
    UpstreamCode(
        "daphne.http_protocol:WebRequest.__init__",
        "daphne",
        "4.2.3",
        "5f70df33c161a236a6eca20e52ed4ddc5b79fad05a8cdc883d71c44f00a0fb20",
        "form_parsing_off passes parsePOSTFormSubmission=False as a keyword: daphne's __init__ must still hand its"
        " keywords on to twisted.web.http.Request.__init__.",
    ),
    UpstreamCode(
        "daphne.http_protocol:WebRequest.process",
        "daphne",
        "4.2.3",
        "cdd795ebc1c63d5b1fc4dd65fcfe2e8e1f108087ef5e5daf24c619c9e228d67e",
        "body_limit_on skips process() for a refused body: it must still be what starts the ASGI application"
        " once the whole body is in.",
    ),
    UpstreamCode(
        "twisted.web.http:Request.gotLength",
        "twisted",
        "26.10.0",
        "8b015a9b64053f40c0c72e1c7cba4be0a80dd6692b8a67341dc7e4777fc6a5b7",
        "body_limit_on checks the announced length after gotLength: it must still come before any body chunk,"
        " with the channel's request line (channel._path) parsed.",
    ),
    UpstreamCode(
        "twisted.web.http:Request.handleContentChunk",
        "twisted",
        "26.10.0",
        "663d6317a075098010ec916c3e158aed655b6ce34b86a3952d8619c3e02bf89e",
        "body_limit_on drops chunks past the limit instead of calling handleContentChunk: it must still be the"
        " one place a body chunk is stored.",
    ),
)


def form_parsing_off() -> None:
    from daphne.http_protocol import WebRequest

    if getattr(WebRequest, "_form_parsing_off", False):
        return
    original_init = WebRequest.__init__

    @wraps(original_init)
    def init_without_form_parsing(self, *args, **kwargs):
        # Twisted's channel builds a request as requestFactory(channel[, queued]): no keywords of its own.
        kwargs.setdefault("parsePOSTFormSubmission", False)
        original_init(self, *args, **kwargs)

    WebRequest.__init__ = init_without_form_parsing
    WebRequest._form_parsing_off = True


def body_limit_on(limit: int, *, larger: dict[str, int] | None = None) -> None:
    """Answer 413 once a request body is (or says it will be) larger than ``limit`` bytes; store no more of it.

    Twisted receives a whole body (into a temporary file past 100 KB) before
    daphne passes any of it on, so the limits of Django and of the upload
    handler (413) came only after the disk had taken whatever the client sent,
    and a chunked body announces no size at all. ``limit`` is the largest body
    any view takes. The 413 goes out at once, for clients that read while they
    send; the rest of the body is read and dropped (up to ``limit`` bytes
    more), because a client that only reads once it has sent everything
    (browsers, urllib) sees a reset connection instead of the answer when the
    server closes earlier. The view never runs.

    ``larger`` maps path patterns (regular expressions matched against the
    whole path, without the query) to the limits of the few views that take
    more, such as G-code uploads: every other path keeps the small limit.
    """
    import json
    import re

    from daphne.http_protocol import WebRequest

    WebRequest._body_limits = [(re.compile(pattern.encode()), size) for pattern, size in (larger or {}).items()]
    if getattr(WebRequest, "_body_limit", None) is not None:
        WebRequest._body_limit = limit
        return
    WebRequest._body_limit = limit
    got_length, handle_content_chunk, process = WebRequest.gotLength, WebRequest.handleContentChunk, WebRequest.process

    def refuse(request) -> None:
        request._body_refused = True
        detail = f"The request body is larger than {request._body_limit} bytes, the most any request here may send."
        body = json.dumps({"detail": detail}).encode()
        request.channel.transport.write(
            b"HTTP/1.1 413 Content Too Large\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )

    @wraps(got_length)
    def got_length_limited(self, length):
        self._body_received = 0
        self._body_refused = False
        # The request line is parsed by now (on the channel); the request's own path is set only after the body.
        path = (getattr(self.channel, "_path", b"") or b"").split(b"?", 1)[0]
        for pattern, size in self._body_limits:
            if pattern.fullmatch(path):
                self._body_limit = size  # this request only: an instance attribute
                break
        got_length(self, length)
        if length is not None and length > self._body_limit:
            refuse(self)

    @wraps(handle_content_chunk)
    def handle_content_chunk_limited(self, data):
        self._body_received += len(data)
        if self._body_refused:
            if self._body_received > 2 * self._body_limit:
                self.channel.loseConnection()  # a client that never stops sending
            return
        if self._body_received > self._body_limit:
            refuse(self)
            return
        handle_content_chunk(self, data)

    @wraps(process)
    def process_unless_refused(self):
        if getattr(self, "_body_refused", False):
            self.channel.loseConnection()  # the body has ended; the 413 is out
            return None
        return process(self)

    WebRequest.gotLength = got_length_limited
    WebRequest.handleContentChunk = handle_content_chunk_limited
    WebRequest.process = process_unless_refused
