"""Refuse URLs carrying a NUL character before any view looks them up; ignore cookies carrying one.

PostgreSQL cannot store or compare text with NUL in it, so a lookup such as
``?printer=%00`` or ``/admin/boards/board/%00/change/`` raised DataError
(a 500) on PostgreSQL and matched nothing on SQLite. No id, slug or search
term of this site contains NUL: a path with one is a 404, a query parameter
with one a 400 naming the parameter. A cookie with one (a quoted cookie may
write it as ``\\000``) is one this site never set, and the session lookup sent
it to PostgreSQL (a 500 on /admin/login/ for anyone): it is ignored, as if it
had not been sent. (Form and JSON fields are refused by Django's and DRF's own
ProhibitNullCharactersValidator.)
"""

from django.http import HttpResponseBadRequest, HttpResponseNotFound

from klipperiwc_site.middleware import JSON_PREFIXES, json_error


class NulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return self._refuse(request, 404, "Not found.")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return self._refuse(request, 400, f"The query parameter {name!r} contains a NUL character.")
        if any("\x00" in name or "\x00" in value for name, value in request.COOKIES.items()):
            request.COOKIES = {name: value for name, value in request.COOKIES.items() if "\x00" not in name + value}
        return self.get_response(request)

    def _refuse(self, request, status, detail):
        if request.path.startswith(JSON_PREFIXES):
            return json_error(status, detail)
        return (HttpResponseNotFound if status == 404 else HttpResponseBadRequest)(detail, content_type="text/plain")
