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
