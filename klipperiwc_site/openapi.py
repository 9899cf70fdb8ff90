"""OpenAPI schema glue: what whole classes of operations share.

Every paginated list can answer "no such page" and "bad page_size", every
operation that reads a body "malformed", "too large" and "not a media type this
endpoint reads", every one with query parameters "a NUL in a parameter", every one
that takes a token "this client address is locked out" (429). Those
answers come from one place in the code (the pagination class, the parsers and
the exception handler, a middleware), so they are added to the schema in one
place too, by a spectacular post-processing hook (SPECTACULAR_SETTINGS), instead
of by hand on each view. The API views import this module, which also registers
the serializer extension below before any schema is generated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from klipperiwc_site.api import Pagination
from klipperiwc_site.middleware import DATABASE_UNAVAILABLE_DETAIL, RETRY_AFTER_SECONDS

ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}

# Security requirements of operations (names of SPECTACULAR_SETTINGS' securitySchemes).
# An operation with none (auth=[]) is public; a leading {} means "a token is optional".
# list[Any]: extend_schema annotates auth as Sequence[str], yet takes (and its get_auth
# returns) requirement objects like these, as its documentation shows.
PUBLIC: list[Any] = []
# Each token's operations open to a personal API key of someone with the matching role too.
PERSONAL_KEY: dict[str, list[Any]] = {"personalApiKey": []}
UPLOADER: list[Any] = [{"uploadToken": []}, PERSONAL_KEY]
MODERATOR: list[Any] = [{"moderatorToken": []}, PERSONAL_KEY]
ANYONE_OR_TOKEN: list[Any] = [{}, {"uploadToken": []}, {"moderatorToken": []}, PERSONAL_KEY]
PRINTER_ADMIN: list[Any] = [{"printerAdminToken": []}, PERSONAL_KEY]
PRINTER_CONTROL: list[Any] = [{"printerControlToken": []}, PERSONAL_KEY]


def error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}


# For extend_schema(responses=...): an operation that reads or writes the database
# answers 503 while it is down (klipperiwc_site/middleware.py), with Retry-After.
DATABASE_DOWN = DATABASE_UNAVAILABLE_DETAIL
RETRY_AFTER = {
    "schema": {"type": "integer"},
    "description": f"Seconds to wait before trying again ({RETRY_AFTER_SECONDS}) when the database is down.",
}


# Every operation that takes a token answers 429 to a locked-out client address (klipperiwc_site/guessing.py).
LOCKED_OUT = (
    "This client address sent too many wrong credentials (AUTH_FAILURE_LIMIT) and is locked out: "
    "every request with a token is refused, right or wrong, until Retry-After has passed."
)
LOCKOUT_RETRY_AFTER = {
    "schema": {"type": "integer", "minimum": 1},
    "description": "Seconds until the lockout of this client address ends (at most AUTH_LOCKOUT_SECONDS).",
}


def _takes_a_token(operation: dict) -> bool:
    return any(requirement for requirement in operation.get("security", []))


def _paginated(operation: dict) -> bool:
    return any(p["in"] == "query" and p["name"] == "page" for p in operation.get("parameters", []))


def _has(location: str) -> Callable[[dict], bool]:
    return lambda operation: any(p["in"] == location for p in operation.get("parameters", []))


def _reasons() -> list[tuple[Callable[[dict], bool], str, str]]:
    return [
        # klipperiwc_site/nul_characters.py, before any view.
        (_has("query"), "400", "A query parameter with a NUL character."),
        (_has("path"), "404", "A path with a NUL character."),
        (_paginated, "400", f"page_size outside 1..{Pagination.max_page_size}."),
        (_paginated, "404", "A page past the last one (the answer names the last page)."),
        (lambda op: "requestBody" in op, "400", "A body that does not parse (or JSON nested too deeply)."),
        (
            lambda op: "requestBody" in op,
            "413",
            f"A body larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes, not counting uploaded files.",
        ),
        (lambda op: "requestBody" in op, "415", "A Content-Type this operation does not read."),
        (_json_only, "406", "An Accept header that rules out application/json."),
        (_takes_a_token, "429", LOCKED_OUT),
    ]


def _json_only(operation: dict) -> bool:
    # Views answering text or files take any Accept (klipperiwc_site/negotiation.py);
    # the others are DRF's JSON views, which refuse an Accept that rules JSON out.
    types = {media for response in operation["responses"].values() for media in response.get("content", {})}
    return types <= {"application/json"}


def _typed(parameter: dict) -> bool:
    schema = parameter.get("schema", {})
    return schema.get("type") in ("integer", "number") or "format" in schema


def shared_error_responses(result, generator, request, public):
    """Add the error answers above to each operation that can give them, next to its own reasons.

    Also marks typed query parameters (numbers, date-times) as allowing an empty
    value: ?page=&since= means "the default" everywhere (status/api/params.py,
    Pagination), as forms send fields left blank.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required") and _typed(parameter):
                    parameter["allowEmptyValue"] = True
            responses = operation["responses"]
            for applies, code, reason in _reasons():
                if not applies(operation):
                    continue
                response = responses.setdefault(code, error_response(""))
                if reason not in response["description"]:
                    response["description"] = " ".join(filter(None, [response["description"], reason]))
            if DATABASE_DOWN in responses.get("503", {}).get("description", ""):
                responses["503"].setdefault("headers", {})["Retry-After"] = RETRY_AFTER
            if "429" in responses:
                responses["429"].setdefault("headers", {})["Retry-After"] = LOCKOUT_RETRY_AFTER
    return result


class StrictSerializerExtension(OpenApiSerializerExtension):
    """Serializers that refuse unknown fields say so: additionalProperties is false."""

    target_class = "assets.api.serializers.StrictSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["additionalProperties"] = False
            for name, field in self.target.fields.items():
                if isinstance(field, serializers.FileField) and not field.allow_empty_file:
                    schema["properties"][name]["minLength"] = 1
        if not vars(type(self.target)).get("__doc__"):
            schema.pop("description", None)  # StrictSerializer's own docstring, not the subclass's
        return schema
