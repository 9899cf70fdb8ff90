"""Project-wide DRF glue."""

from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import InvalidPage
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    """Shape of every API error (field errors, when any, sit beside "detail")."""

    detail = serializers.CharField()


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with an explicit +00:00 offset: every time stamp the API writes."""
    return None if value is None else value.astimezone(UTC).isoformat()


class UTCDateTimeField(serializers.DateTimeField):
    """A DateTimeField written with iso_utc (DRF would write "Z")."""

    def to_representation(self, value):
        return iso_utc(value)


class TooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def exception_handler(exc, context):
    """DRF's handler, with validation errors also carrying a "detail" line.

    DRF answers a serializer error with only the field map; clients get one
    place to look for a human-readable message by always having "detail".
    """
    if isinstance(exc, RequestDataTooBig):
        exc = TooLarge(
            f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes, the most this "
            "endpoint reads."
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" not in data:
        response.data = {"detail": _summary(data), **data}
    elif isinstance(data, list):
        response.data = {"detail": " ".join(str(item) for item in data) or "Invalid request."}
    return response


def _summary(errors: dict) -> str:
    fields = ", ".join(str(name) for name in errors)
    return f"Invalid input: {fields}." if fields else "Invalid input."


class Pagination(PageNumberPagination):
    """?page=N&page_size=M (1..500); a page past the end is a 404 naming the last page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        # DRF silently answers 50 rows for page_size=0 or "abc" and caps 9999 at 500:
        # a client would never learn that it asked for something else than it got.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if not 1 <= value <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"{raw!r} is not a whole number from 1 to {self.max_page_size}."]}
            )
        return value

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["required"] = ["count", "next", "previous", "results"]  # always sent; next/previous may be null
        page["properties"]["count"]["minimum"] = 0
        return page

    def get_schema_operation_parameters(self, view):
        bounds = {
            self.page_query_param: (
                {"minimum": 1},
                "Page number, from 1 (or last); a page past the last one is a 404 naming the last page.",
            ),
            self.page_size_query_param: (
                {"minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
                f"Results per page, 1..{self.max_page_size} (default {self.page_size}); anything else is a 400.",
            ),
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            schema, description = bounds[parameter["name"]]
            parameter["schema"].update(schema)
            parameter["description"] = description
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            page = request.query_params.get(self.page_query_param)
            paginator = self.django_paginator_class(queryset, self.get_page_size(request))
            try:
                paginator.validate_number(page)
            except InvalidPage:
                raise NotFound(f"page={page!r} does not exist; pages run from 1 to {paginator.num_pages}.") from None
            raise
