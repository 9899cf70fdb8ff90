"""Site-wide error answers.

JsonApiErrorsMiddleware keeps every error under /api/ (and /healthz) in JSON.
DRF views already answer errors as {"detail": ...}. This covers what happens
before or outside them: unknown URLs, wrong methods on plain views, CSRF
failures, and unhandled exceptions, which Django would otherwise render as
HTML pages (or, with DEBUG on, as its technical pages).

DatabaseUnavailableMiddleware turns a database that does not answer into a
503 with Retry-After (JSON for the API, a short page otherwise) instead of a
500: the request was fine, the service is briefly unable to serve it.
"""

import logging
from http import HTTPStatus

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from klipperiwc_site.outages import DATABASE_OUTAGE_ERRORS, OutageLog, database_address

logger = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/healthz")


class JsonApiErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(JSON_PREFIXES)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return json_error(response.status_code, headers=_kept_headers(response))
        return response


def json_error(status: int, detail: str | None = None, *, headers: dict | None = None) -> JsonResponse:
    if detail is None:
        detail = _default_detail(status)
    return JsonResponse({"detail": detail}, status=status, headers=headers)


def _default_detail(status: int) -> str:
    if status == 404:
        return "Not found."
    if status >= 500:
        return "Internal server error."
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return "Request failed."


def _kept_headers(response) -> dict:
    # "Allow" tells a client which methods a 405 would have accepted.
    return {name: response[name] for name in ("Allow", "Retry-After") if response.has_header(name)}


DATABASE_UNAVAILABLE_DETAIL = "The database is unavailable; nothing was changed. Try again later."
RETRY_AFTER_SECONDS = 30

_database_outage = OutageLog("Database", log=logger)


class DatabaseUnavailableMiddleware:
    """A database error raised by a view (or while rendering its template) is a 503, not a 500.

    A view's transaction rolls back with the exception, so nothing half-done
    stays in the database; files a view stores are its own to clean up (the
    board-asset service deletes them when the row cannot be written).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_OUTAGE_ERRORS):
            return None
        return database_unavailable(request, exception)


def database_unavailable(request, exception: BaseException) -> HttpResponse:
    """The 503 for a request that met a database outage: JSON under /api/, a short page elsewhere."""
    # A warning a minute while it lasts; the error names host and port, never the password.
    _database_outage.failed(database_address(), exception)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path.startswith(JSON_PREFIXES):
        return json_error(503, DATABASE_UNAVAILABLE_DETAIL, headers=headers)
    return HttpResponse(_unavailable_page(), status=503, headers=headers)


def _unavailable_page() -> str:
    # No request context: its processors (the user, messages) would ask the database again.
    try:
        return render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    except Exception:
        # The error page must not become a 500 itself (e.g. no collectstatic manifest yet).
        logger.exception("The 503 page could not be rendered; answering a plain one")
        return (
            "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Temporarily unavailable</title>"
            f"<h1>Temporarily unavailable</h1><p>{DATABASE_UNAVAILABLE_DETAIL}</p></html>"
        )
