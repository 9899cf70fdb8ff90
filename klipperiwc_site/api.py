"""Project-wide DRF glue."""

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, with validation errors also carrying a "detail" line.

    DRF answers a serializer error with only the field map; clients get one
    place to look for a human-readable message by always having "detail".
    """
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
