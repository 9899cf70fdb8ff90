"""One change to how daphne receives HTTP requests, applied by asgi.py when daphne serves the project.

Twisted's Request parses every multipart/form-data and url-encoded POST body
itself (into ``request.args``) before daphne hands the body to the ASGI
application: it reads the whole body into memory and its parser copies it
several times. A 20 MB board-asset upload made a daphne process grow by about
220 MB that way, and a malformed body got Twisted's HTML "Bad Request"
instead of our JSON error. Daphne never reads ``request.args`` (Django parses
the body from the ASGI messages), so that parsing is switched off through
Twisted's own ``parsePOSTFormSubmission`` option.
"""

from functools import wraps


def form_parsing_off() -> None:
    from daphne.http_protocol import WebRequest

    if getattr(WebRequest, "_form_parsing_off", False):
        return
    original_init = WebRequest.__init__

    @wraps(original_init)
    def init_without_form_parsing(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False

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
