"""Keeps every error under /api/ (and /healthz) in JSON.

DRF views already answer errors as {"detail": ...}. This covers what happens
before or outside them: unknown URLs, wrong methods on plain views, CSRF
failures, and unhandled exceptions, which Django would otherwise render as
HTML pages (or, with DEBUG on, as its technical pages).
"""

from http import HTTPStatus

from django.http import JsonResponse

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
