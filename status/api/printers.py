"""The printers API: anyone reads printers and their print jobs; changes need X-Printer-Admin-Key.

GET /api/printers/ and GET /api/printers/{slug} are public, like the status they sit beside
(never with the api_key, only has_api_key). POST, PATCH and DELETE need the header
X-Printer-Admin-Key holding PRINTER_ADMIN_TOKEN (klipperiwc_site/tokens.py: 503 while it is
not set, 401 without the header, 403 with a wrong one).
"""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http_status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role
from klipperiwc_site.api import ErrorSerializer, iso_utc
from klipperiwc_site.converters import PrinterSlugConverter
from klipperiwc_site.negotiation import AnyAccept
from klipperiwc_site.openapi import DATABASE_DOWN, PRINTER_ADMIN, PUBLIC
from klipperiwc_site.parsers import DepthLimitedJSONParser
from klipperiwc_site.tokens import (
    PRINTER_ADMIN_HEADER,
    header_token_challenge,
    header_token_permission,
    header_token_responses,
)
from status import printer_selectors as selectors
from status import printer_services as services
from status.api.params import time_range
from status.api.serializers import (
    PrinterSerializer,
    PrinterUpdateSerializer,
    PrinterWriteSerializer,
    PrintJobSerializer,
    PrintJobTotalsSerializer,
)
from status.models import Printer, PrintJobStatus

# Writes need the admin token; reads stay public.
AdminTokenForChanges = header_token_permission(
    header=PRINTER_ADMIN_HEADER,
    setting="PRINTER_ADMIN_TOKEN",
    realm="printer-admin",
    what="The printer admin API",
    methods={"POST", "PUT", "PATCH", "DELETE"},
    role=Role.OPERATOR,
)
ADMIN_ERRORS = header_token_responses(header=PRINTER_ADMIN_HEADER, setting="PRINTER_ADMIN_TOKEN")
CHALLENGE = header_token_challenge(header=PRINTER_ADMIN_HEADER)

SLUG = OpenApiParameter("slug", PrinterSlugConverter.schema, OpenApiParameter.PATH, description="The printer's slug.")
NO_PRINTER = OpenApiResponse(ErrorSerializer, description="No printer with that slug.")
UNAVAILABLE = OpenApiResponse(ErrorSerializer, description=DATABASE_DOWN)
INVALID = OpenApiResponse(
    ErrorSerializer,
    description="A field is wrong (named beside detail): an unknown source_kind or field, a bad slug or tag, "
    "a moonraker_url that is not http(s)://host:port[/path] (required for kind moonraker).",
)
SLUG_TAKEN = OpenApiResponse(ErrorSerializer, description="Another printer has that slug (named in slug).")
LOCATION = OpenApiParameter(
    "Location", OpenApiTypes.URI, OpenApiParameter.HEADER, response=[201], description="The new printer's URL."
)


class PrinterRefused(APIException):
    """A PrinterError from a service: 400 or 409, its errors by field beside detail."""

    def __init__(self, error: services.PrinterError) -> None:
        super().__init__({"detail": error.message, **error.errors})
        self.status_code = error.status_code


class _PrinterView(APIView):
    # Callers identify with the admin token header, not sessions (no CSRF, no session lookup).
    authentication_classes: list = []
    permission_classes = [AdminTokenForChanges]
    parser_classes = [DepthLimitedJSONParser]

    def handle_exception(self, exc):
        if isinstance(exc, services.PrinterError):
            exc = PrinterRefused(exc)
        return super().handle_exception(exc)

    def printer(self, slug: str, *, plain: bool = False) -> Printer:
        printer = selectors.printer_by_slug(slug=slug) if plain else selectors.printer_detail(slug=slug)
        if printer is None:
            raise NotFound(f"No printer with slug {slug!r}; GET /api/printers/ lists the printers.")
        return printer


def _body(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PrinterListView(_PrinterView, ListAPIView):
    serializer_class = PrinterSerializer

    def get_queryset(self):
        return selectors.printer_list()

    @extend_schema(
        summary="Printers with their connection and latest stored state",
        responses={200: PrinterSerializer(many=True), 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["printers"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Add a printer",
        request=PrinterWriteSerializer,
        responses={201: PrinterSerializer, 400: INVALID, 409: SLUG_TAKEN, **ADMIN_ERRORS},
        parameters=[CHALLENGE, LOCATION],
        auth=PRINTER_ADMIN,
        tags=["printers"],
    )
    def post(self, request, *args, **kwargs):
        printer = services.printer_create(**_body(PrinterWriteSerializer, request))
        return Response(
            PrinterSerializer(printer).data,
            status=http_status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(f"/api/printers/{printer.slug}")},
        )


class PrinterDetailView(_PrinterView):
    @extend_schema(
        summary="A printer with its connection and latest stored state",
        parameters=[SLUG],
        responses={200: PrinterSerializer, 404: NO_PRINTER, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["printers"],
    )
    def get(self, request, slug: str):
        return Response(PrinterSerializer(self.printer(slug)).data)

    @extend_schema(
        summary="Change a printer (only the fields sent)",
        parameters=[SLUG, CHALLENGE],
        request=PrinterUpdateSerializer,
        responses={200: PrinterSerializer, 400: INVALID, 404: NO_PRINTER, 409: SLUG_TAKEN, **ADMIN_ERRORS},
        auth=PRINTER_ADMIN,
        tags=["printers"],
    )
    def patch(self, request, slug: str):
        printer = self.printer(slug, plain=True)
        changes = _body(PrinterUpdateSerializer, request)
        printer = services.printer_update(printer=printer, **changes)
        return Response(PrinterSerializer(printer).data)

    @extend_schema(
        summary="Delete a printer with its history and jobs",
        parameters=[SLUG, CHALLENGE],
        request=None,
        responses={204: None, 404: NO_PRINTER, **ADMIN_ERRORS},
        auth=PRINTER_ADMIN,
        tags=["printers"],
    )
    def delete(self, request, slug: str):
        services.printer_delete(printer=self.printer(slug, plain=True))
        return Response(status=http_status.HTTP_204_NO_CONTENT)


STATUS_PARAM = OpenApiParameter(
    "status",
    {"type": "string", "enum": list(PrintJobStatus.values)},
    description="Only jobs with this status.",
)
SINCE = OpenApiParameter("since", OpenApiTypes.DATETIME, description="Jobs started at or after (ISO 8601).")
UNTIL = OpenApiParameter("until", OpenApiTypes.DATETIME, description="Jobs started at or before (ISO 8601).")
BAD_FILTER = OpenApiResponse(
    ErrorSerializer,
    description="status is not a job status, or since or until is not an ISO 8601 date-time, or since >= until.",
)
BAD_RANGE = OpenApiResponse(
    ErrorSerializer, description="since or until is not an ISO 8601 date-time, out of range, or since >= until."
)


def status_param(request) -> str | None:
    raw = request.query_params.get("status")
    if raw is None:
        return None
    if raw not in PrintJobStatus.values:
        raise ValidationError(
            {"status": [f"{raw!r:.80} is not a job status; one of {', '.join(PrintJobStatus.values)}."]}
        )
    return raw


class _JobsView(APIView):
    # Public and read-only, like the history endpoints.
    authentication_classes: list = []
    permission_classes: list = []

    def printer(self, slug: str) -> Printer:
        printer = selectors.printer_by_slug(slug=slug)
        if printer is None:
            raise NotFound(f"No printer with slug {slug!r}; GET /api/printers/ lists the printers.")
        return printer


class PrintJobListView(_JobsView, ListAPIView):
    serializer_class = PrintJobSerializer

    def get_queryset(self):
        printer = self.printer(self.kwargs["slug"])
        job_status = status_param(self.request)
        since, until = time_range(self.request)
        return selectors.print_jobs(printer=printer, status=job_status, since=since, until=until)

    @extend_schema(
        summary="The printer's print jobs (Moonraker's history, each job once), newest first",
        parameters=[SLUG, STATUS_PARAM, SINCE, UNTIL],
        responses={200: PrintJobSerializer(many=True), 400: BAD_FILTER, 404: NO_PRINTER, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["printers"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PrintJobTotalsView(_JobsView, APIView):
    @extend_schema(
        summary="Totals of the printer's print jobs: jobs per status, print time, filament",
        parameters=[SLUG, SINCE, UNTIL],
        responses={200: PrintJobTotalsSerializer, 400: BAD_RANGE, 404: NO_PRINTER, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["printers"],
    )
    def get(self, request, slug: str):
        printer = self.printer(slug)
        since, until = time_range(request)
        return Response(
            {"printer": printer.slug, **selectors.print_job_totals(printer=printer, since=since, until=until)}
        )


# The CSV's columns: PrintJobSerializer's fields but the free-form metadata.
CSV_COLUMNS = [name for name in PrintJobSerializer.Meta.fields if name != "metadata"]
CSV_TIMES = {"started_at", "ended_at"}
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str | float | int:
    """``value`` as a CSV cell: times in UTC ISO 8601 with offset, empty for none, text that could be
    read as a formula prefixed with ' (so a spreadsheet shows it as text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file whose write returns the line: csv.writer then hands back each row as text."""

    def write(self, value: str) -> str:
        return value


def _csv_rows(jobs):
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(CSV_COLUMNS)
    for job in jobs.values_list(*CSV_COLUMNS).iterator(chunk_size=500):
        cells = zip(CSV_COLUMNS, job, strict=True)
        yield writer.writerow([iso_utc(value) if name in CSV_TIMES else csv_cell(value) for name, value in cells])


class PrintJobCsvView(_JobsView, APIView):
    # The CSV whatever the client accepts; errors are JSON like the list's.
    content_negotiation_class = AnyAccept

    @extend_schema(
        operation_id="api_printers_jobs_csv_retrieve",
        summary="The printer's print jobs as CSV (for a spreadsheet), newest first",
        description="The same jobs and filters as GET .../jobs, every one of them (no pages), streamed. A header "
        f"row ({', '.join(CSV_COLUMNS)}), times in UTC ISO 8601 with offset, empty cells for none; text that a "
        "spreadsheet would run as a formula (starting with =, +, -, @) is prefixed with '.",
        parameters=[
            SLUG,
            STATUS_PARAM,
            SINCE,
            UNTIL,
            OpenApiParameter(
                "Content-Disposition",
                str,
                OpenApiParameter.HEADER,
                response=[200],
                description='attachment; filename="<slug>-jobs.csv"',
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The jobs, one row each."),
            400: BAD_FILTER,
            404: NO_PRINTER,
            503: UNAVAILABLE,
        },
        auth=PUBLIC,
        tags=["printers"],
    )
    def get(self, request, slug: str):
        printer = self.printer(slug)
        job_status = status_param(request)
        since, until = time_range(request)
        jobs = selectors.print_jobs(printer=printer, status=job_status, since=since, until=until)
        response = StreamingHttpResponse(_csv_rows(jobs), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{printer.slug}-jobs.csv"'
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
