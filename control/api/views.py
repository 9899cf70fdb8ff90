"""Printer-control API: thin views over control.services.printer_action (which calls and records).

Every operation needs X-Printer-Control-Key = PRINTER_CONTROL_TOKEN
(klipperiwc_site/tokens.py: 503 while unset, 401 without it, 403 wrong).
Past that check, every call but the console read is recorded in
printer_actions, refused ones included: the view hands what it refused
(unknown printer, bad input) to the service instead of answering itself.
"""

from __future__ import annotations

from typing import NoReturn

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotModified
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiRequest, OpenApiResponse, extend_schema
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import actors
from control.api.serializers import (
    ActionResultSerializer,
    ConsoleEntrySerializer,
    GcodeSerializer,
    PrinterFileSerializer,
    PrinterUploadSerializer,
    PrintSerializer,
    UploadedFileSerializer,
)
from control.api.uploads import PrinterFileSizeLimit
from control.services import (
    ACTIONS,
    FILES,
    GCODE,
    PRINT,
    REJECTED,
    UPLOAD,
    ControlError,
    printer_action,
    unknown_action,
)
from control.thumbnails import (
    IMAGE_FORMATS,
    PREFERRED_WIDTH,
    ThumbnailError,
    file_problem,
    modified_problem,
    printer_thumbnail,
)
from control.validation import GCODE_PATH_PATTERN, PATH_MAX_CHARS, gcode_filename_problem
from klipperiwc_site.api import ErrorSerializer, Pagination
from klipperiwc_site.converters import PrinterSlugConverter
from klipperiwc_site.negotiation import AnyAccept
from klipperiwc_site.openapi import DATABASE_DOWN, PRINTER_CONTROL, PUBLIC
from klipperiwc_site.parsers import DepthLimitedJSONParser
from klipperiwc_site.tokens import (
    PRINTER_CONTROL_HEADER,
    PrinterControlToken,
    header_token_challenge,
    header_token_responses,
)
from status.api.params import int_param
from status.console import CONSOLE_LINES_KEPT, console_latest
from status.models import Printer, SourceKind

SLUG = OpenApiParameter("slug", PrinterSlugConverter.schema, OpenApiParameter.PATH, description="The printer's slug.")
ACTION = OpenApiParameter(
    "action",
    {"type": "string", "enum": list(ACTIONS)},
    OpenApiParameter.PATH,
    description="What to do. emergency-stop shuts the printer down until firmware-restart (or restart).",
)
CHALLENGE = header_token_challenge(header=PRINTER_CONTROL_HEADER)
TOKEN_ERRORS = header_token_responses(header=PRINTER_CONTROL_HEADER, setting="PRINTER_CONTROL_TOKEN")
NO_PRINTER = OpenApiResponse(ErrorSerializer, description="No printer with that slug.")
OFFLINE = (
    "The printer cannot do it now, with the reason: offline (unreachable, klippy not ready, wrong API key, "
    "disabled: the connection state is named), or the printer refused (e.g. Printer is not printing)"
)
PRINTER_ERRORS = {
    502: OpenApiResponse(ErrorSerializer, description="Moonraker failed (a 5xx) or answered something unexpected."),
    504: OpenApiResponse(
        ErrorSerializer, description="Moonraker did not answer within PRINTER_REQUEST_TIMEOUT_SECONDS."
    ),
}
LIMIT = OpenApiParameter(
    "limit",
    {"type": "integer", "minimum": 1, "maximum": CONSOLE_LINES_KEPT, "default": 50},
    description=f"How many of the newest lines, 1..{CONSOLE_LINES_KEPT} (default 50).",
)


# The file part's name is the file's name on the printer: documented with an example (a G-code
# name), which is also what clients generated from the schema send.
UPLOAD_REQUEST = OpenApiRequest(
    PrinterUploadSerializer,
    encoding={
        "file": {
            "contentType": "application/octet-stream",
            "headers": {
                "Content-Disposition": {
                    "description": "The file name must end in .gcode, .g or .gco (any case), without folders.",
                    "schema": {"type": "string"},
                    "example": 'form-data; name="file"; filename="cube.gcode"',
                }
            },
        }
    },
)


class ControlRefused(APIException):
    """A ControlError from the service: its status code, detail and field errors."""

    def __init__(self, error: ControlError) -> None:
        super().__init__({"detail": error.detail, **error.fields})
        self.status_code = error.status_code


def _summary(errors: dict) -> str:
    return f"Invalid input: {', '.join(str(name) for name in errors)}." if errors else "Invalid input."


def _recorded_arguments(data, names: tuple[str, ...]) -> dict:
    """What a refused body held, for the audit row (text only, cut short)."""
    if not hasattr(data, "get"):
        return {}
    return {name: data.get(name)[:2000] for name in names if isinstance(data.get(name), str)}


class _ControlView(APIView):
    # Callers identify with the control token header, not sessions (no CSRF, no session lookup).
    authentication_classes: list = []
    permission_classes = [PrinterControlToken]
    parser_classes = [DepthLimitedJSONParser]

    def handle_exception(self, exc):
        if isinstance(exc, ControlError):
            exc = ControlRefused(exc)
        return super().handle_exception(exc)

    def call(self, *, printer: Printer | None, slug: str, action: str, arguments: dict | None = None, **kwargs):
        return printer_action(
            printer=printer,
            printer_slug=slug,
            action=action,
            arguments=arguments or {},
            client_address=self.request.META.get("REMOTE_ADDR"),
            actor=actors.actor_of(self.request),
            **kwargs,
        )

    def refuse(
        self, *, printer: Printer | None, slug: str, action: str, refusal: ControlError | None = None, **kwargs
    ) -> NoReturn:
        """Record a call refused here (or, with printer None, one for an unknown slug) and answer with it."""
        self.call(printer=printer, slug=slug, action=action, refusal=refusal, **kwargs)
        raise AssertionError("printer_action raises the refusal")  # pragma: no cover

    def body(self, serializer_class, *, printer, slug: str, action: str) -> dict:
        """The validated body; a refused one (400, 413, 415) is recorded and raised."""
        data = None
        try:
            data = self.request.data
            serializer = serializer_class(data=data)
            serializer.is_valid(raise_exception=True)
            return serializer.validated_data
        except (APIException, RequestDataTooBig) as exc:
            if isinstance(exc, RequestDataTooBig):
                status, detail, fields = 413, "The request body is larger than this endpoint reads.", {}
            elif isinstance(exc, ValidationError) and isinstance(exc.detail, dict):
                status, detail, fields = exc.status_code, _summary(exc.detail), exc.detail
            else:
                status, detail, fields = exc.status_code, str(exc.detail), {}
            refusal = ControlError(status, detail, outcome=REJECTED, fields=fields)
            arguments = _recorded_arguments(data, tuple(serializer_class().fields))
            self.refuse(printer=printer, slug=slug, action=action, arguments=arguments, refusal=refusal)


def _printer(slug: str) -> Printer | None:
    # Not the status readers' cached copy: a demo action needs the simulation as it is now.
    return Printer.objects.filter(slug=slug).first()


class PrinterActionView(_ControlView):
    @extend_schema(
        summary="Pause, resume, cancel, emergency-stop, firmware-restart or restart a printer",
        description="Through the printer's Moonraker; a demo printer simulates them (its status shows the change).",
        parameters=[SLUG, ACTION, CHALLENGE],
        request=None,
        responses={
            200: ActionResultSerializer,
            404: OpenApiResponse(
                ErrorSerializer,
                description="No printer with that slug, or an unknown action (the answer names the actions).",
            ),
            409: OpenApiResponse(ErrorSerializer, description=f"{OFFLINE}."),
            **PRINTER_ERRORS,
            **TOKEN_ERRORS,
        },
        auth=PRINTER_CONTROL,
        tags=["printer control"],
    )
    def post(self, request, slug: str, action: str):
        printer = _printer(slug)
        if printer is not None and action not in ACTIONS:
            self.refuse(printer=printer, slug=slug, action=action, refusal=unknown_action(action))
        done = self.call(printer=printer, slug=slug, action=action)
        return Response(done.result, status=done.status_code)


class PrinterGcodeView(_ControlView):
    @extend_schema(
        summary="Run G-code on a printer",
        description="Answers once the printer has run it (an M109 waits for its temperature), at most "
        "PRINTER_GCODE_TIMEOUT_SECONDS; then 504, while the G-code may still be running. The printer's "
        "responses appear in GET .../console.",
        parameters=[SLUG, CHALLENGE],
        request=GcodeSerializer,
        responses={
            200: ActionResultSerializer,
            400: OpenApiResponse(ErrorSerializer, description="script is missing, empty or too long."),
            404: NO_PRINTER,
            409: OpenApiResponse(
                ErrorSerializer,
                description=f"{OFFLINE}, or the G-code failed (e.g. Unknown command); or a demo printer (it runs "
                "none).",
            ),
            502: PRINTER_ERRORS[502],
            504: OpenApiResponse(
                ErrorSerializer, description="The G-code did not finish within PRINTER_GCODE_TIMEOUT_SECONDS."
            ),
            **TOKEN_ERRORS,
        },
        auth=PRINTER_CONTROL,
        tags=["printer control"],
    )
    def post(self, request, slug: str):
        printer = _printer(slug)
        if printer is None:
            self.refuse(printer=None, slug=slug, action=GCODE)
        body = self.body(GcodeSerializer, printer=printer, slug=slug, action=GCODE)
        done = self.call(printer=printer, slug=slug, action=GCODE, arguments={"script": body["script"]})
        return Response(done.result, status=done.status_code)


class PrinterPrintView(_ControlView):
    @extend_schema(
        summary="Start printing a file of the printer's gcodes folder",
        parameters=[SLUG, CHALLENGE],
        request=PrintSerializer,
        responses={
            200: ActionResultSerializer,
            400: OpenApiResponse(ErrorSerializer, description="filename is missing or not a G-code file's path."),
            404: NO_PRINTER,
            409: OpenApiResponse(
                ErrorSerializer,
                description=f"{OFFLINE}: no such file, already printing; or a demo printer (it has no files).",
            ),
            **PRINTER_ERRORS,
            **TOKEN_ERRORS,
        },
        auth=PRINTER_CONTROL,
        tags=["printer control"],
    )
    def post(self, request, slug: str):
        printer = _printer(slug)
        if printer is None:
            self.refuse(printer=None, slug=slug, action=PRINT)
        body = self.body(PrintSerializer, printer=printer, slug=slug, action=PRINT)
        done = self.call(printer=printer, slug=slug, action=PRINT, arguments={"filename": body["filename"]})
        return Response(done.result, status=done.status_code)


class PrinterFilesView(_ControlView):
    # POST takes multipart only (the file streams to a temporary file); GET reads no body.
    parser_classes = [MultiPartParser]
    # For the schema (the page parameters and the wrapped list); get() pages what the service fetched.
    pagination_class = Pagination

    @extend_schema(
        summary="The printer's G-code files, newest first",
        description="From its Moonraker: each file's name, size, time and the slicer's time estimate.",
        parameters=[SLUG, CHALLENGE],
        responses={
            200: PrinterFileSerializer(many=True),
            404: NO_PRINTER,
            409: OpenApiResponse(ErrorSerializer, description=f"{OFFLINE}; or a demo printer (it has no files)."),
            **PRINTER_ERRORS,
            **TOKEN_ERRORS,
        },
        auth=PRINTER_CONTROL,
        tags=["printer control"],
    )
    def get(self, request, slug: str):
        printer = _printer(slug)
        if printer is None:
            self.refuse(printer=None, slug=slug, action=FILES)
        pagination = self.pagination_class()
        raw_page = request.query_params.get(pagination.page_query_param) or "1"
        try:
            page_size = pagination.get_page_size(request)
        except ValidationError as exc:
            fields = exc.detail if isinstance(exc.detail, dict) else {pagination.page_size_query_param: exc.detail}
            refusal = ControlError(400, _summary(fields), outcome=REJECTED, fields=fields)
            self.refuse(printer=printer, slug=slug, action=FILES, refusal=refusal)
        page: int | str = (
            "last" if raw_page == "last" else int(raw_page) if raw_page.isascii() and raw_page.isdigit() else 0
        )
        if isinstance(page, int) and page < 1:
            refusal = ControlError(404, f"page={raw_page!r:.80} does not exist; pages start at 1.", outcome=REJECTED)
            self.refuse(printer=printer, slug=slug, action=FILES, refusal=refusal)
        done = self.call(printer=printer, slug=slug, action=FILES, arguments={"page": page, "page_size": page_size})
        # The service fetched one page (and only its files' metadata); the links are the pagination class's.
        pagination.request = request
        pagination.page = Paginator(range(done.result["count"]), page_size).page(done.result["page"])
        return pagination.get_paginated_response(done.result["files"])

    @extend_schema(
        summary="Upload a G-code file to the printer (and print it)",
        description="multipart/form-data: file (.gcode, .g or .gco; at most PRINTER_FILE_MAX_BYTES), print "
        "(optional, true to start it). Streamed to the printer's Moonraker from a temporary file.",
        parameters=[SLUG, CHALLENGE],
        request={"multipart/form-data": UPLOAD_REQUEST},
        responses={
            201: UploadedFileSerializer,
            400: OpenApiResponse(ErrorSerializer, description="No file, an empty one, or not a G-code file's name."),
            404: NO_PRINTER,
            409: OpenApiResponse(ErrorSerializer, description=f"{OFFLINE}; or a demo printer (it takes no files)."),
            413: OpenApiResponse(ErrorSerializer, description="The file is larger than PRINTER_FILE_MAX_BYTES."),
            **PRINTER_ERRORS,
            **TOKEN_ERRORS,
        },
        auth=PRINTER_CONTROL,
        tags=["printer control"],
    )
    def post(self, request, slug: str):
        printer = _printer(slug)
        if printer is None or printer.source_kind == SourceKind.DEMO:
            # Refused before the body is read: nothing to store it on.
            self.refuse(printer=printer, slug=slug, action=UPLOAD)
        # The token was checked before a byte of the body was read; the size is checked as it streams in.
        request.upload_handlers.insert(0, PrinterFileSizeLimit(request._request))
        body = self.body(PrinterUploadSerializer, printer=printer, slug=slug, action=UPLOAD)
        upload = body["file"]
        arguments = {"filename": upload.name, "size": upload.size, "print": body["print"]}
        problem = gcode_filename_problem(upload.name or "")
        if problem:
            refusal = ControlError(400, "Invalid input: file.", outcome=REJECTED, fields={"file": [problem]})
            self.refuse(printer=printer, slug=slug, action=UPLOAD, arguments=arguments, refusal=refusal)
        upload.seek(0)
        done = self.call(printer=printer, slug=slug, action=UPLOAD, arguments=arguments, upload=upload.file)
        return Response(done.result, status=done.status_code)


class PrinterConsoleView(_ControlView):
    @extend_schema(
        summary="The printer's latest G-code responses, newest last",
        description="What the bridge heard from the printer (errors, M118 and RESPOND lines, answers to "
        "POST .../gcode). A read of the hub's copy: not recorded, never a request to the printer.",
        parameters=[SLUG, LIMIT, CHALLENGE],
        responses={
            200: ConsoleEntrySerializer(many=True),
            400: OpenApiResponse(
                ErrorSerializer, description=f"limit is not a whole number from 1 to {CONSOLE_LINES_KEPT}."
            ),
            404: NO_PRINTER,
            503: TOKEN_ERRORS[503],
            401: TOKEN_ERRORS[401],
            403: TOKEN_ERRORS[403],
        },
        auth=PRINTER_CONTROL,
        tags=["printer control"],
    )
    def get(self, request, slug: str):
        printer = _printer(slug)
        if printer is None:
            raise NotFound(f"No printer with slug {slug!r}; GET /api/printers/ lists them.")
        limit = int_param(request, "limit", default=50, minimum=1, maximum=CONSOLE_LINES_KEPT)
        return Response(console_latest(printer_id=printer.pk, limit=limit))


THUMBNAIL_FILE = OpenApiParameter(
    "file",
    {"type": "string", "minLength": 1, "maxLength": PATH_MAX_CHARS, "pattern": GCODE_PATH_PATTERN},
    required=True,
    description="The G-code file, relative to the printer's gcodes folder (as GET .../files names it).",
    examples=[OpenApiExample("A file", value="cube.gcode")],
)
THUMBNAIL_MODIFIED = OpenApiParameter(
    "modified",
    {"type": "number", "minimum": 0},
    description="Optional: the file's modified time (Unix seconds, as Moonraker gives it). With it, the copy of "
    "that version is served as immutable; without it, a copy is served for PRINTER_THUMBNAIL_RECHECK_SECONDS "
    "before Moonraker is asked whether the file changed.",
)
THUMBNAIL_HEADERS = [
    OpenApiParameter(name, str, OpenApiParameter.HEADER, response=[200], description=description)
    for name, description in {
        "ETag": "The image's digest and the file's modified time; If-None-Match with it answers 304.",
        "Cache-Control": "public, max-age=31536000, immutable with modified; else public, max-age="
        "PRINTER_THUMBNAIL_RECHECK_SECONDS.",
        "X-Content-Type-Options": "nosniff",
    }.items()
]
THUMBNAIL_IMAGE = OpenApiResponse(OpenApiTypes.BINARY, description="The image, as the server stored it.")
IMMUTABLE = "public, max-age=31536000, immutable"


class PrinterThumbnailView(APIView):
    """A G-code file's thumbnail, from the server's copy (fetched from the printer's Moonraker once)."""

    # Public, like the status: anyone who sees the farm sees the pictures of its prints.
    authentication_classes: list = []
    permission_classes: list = []
    content_negotiation_class = AnyAccept  # an <img> asks for image/*; errors are JSON all the same

    @extend_schema(
        summary="The thumbnail of a G-code file on the printer",
        description="The slicer's picture embedded in the G-code, as Moonraker extracted it: the widest up to "
        f"{PREFERRED_WIDTH} px. Fetched by the server from the printer once per file and modified time and "
        "stored; later requests are answered from that copy (the browser never talks to the printer). "
        '"No thumbnail" is remembered for PRINTER_THUMBNAIL_MISSING_SECONDS.',
        parameters=[SLUG, THUMBNAIL_FILE, THUMBNAIL_MODIFIED, *THUMBNAIL_HEADERS],
        responses={
            **{(200, media_type): THUMBNAIL_IMAGE for media_type in IMAGE_FORMATS.values()},
            304: OpenApiResponse(description="If-None-Match named this image: the client's copy is current."),
            400: OpenApiResponse(
                ErrorSerializer,
                description="file is missing or not a G-code file's path inside the gcodes folder (absolute, "
                "with .., NUL, too long), or modified is not a number.",
            ),
            404: OpenApiResponse(
                ErrorSerializer,
                description="No printer with that slug, a demo printer, no such file, or a file without a thumbnail.",
            ),
            503: OpenApiResponse(
                ErrorSerializer,
                description="The printer is unreachable (or refused the API key, or is disabled), named with the "
                f"reason, and the server has no copy yet; or the thumbnail store is down. {DATABASE_DOWN}",
            ),
        },
        auth=PUBLIC,
        tags=["printers"],
    )
    def get(self, request, slug: str):
        path = request.query_params.get("file")
        errors = {}
        problem = file_problem(path)
        if problem:
            errors["file"] = [problem]
        raw_modified = request.query_params.get("modified")
        problem = modified_problem(raw_modified)
        if problem:
            errors["modified"] = [problem]
        if errors:
            raise ValidationError(errors)
        printer = Printer.objects.filter(slug=slug).first()
        if printer is None:
            raise NotFound(f"No printer with slug {slug!r}; GET /api/printers/ lists them.")
        modified = float(raw_modified) if raw_modified else None
        try:
            thumbnail = printer_thumbnail(printer=printer, path=path, modified=modified)
        except ThumbnailError as error:
            return Response({"detail": error.detail, **error.fields}, status=error.status_code)
        if modified is not None and thumbnail.file_modified == modified:
            cache_control = IMMUTABLE
        else:
            cache_control = f"public, max-age={settings.PRINTER_THUMBNAIL_RECHECK_SECONDS}"
        if thumbnail.etag in _etags(request.headers.get("If-None-Match", "")):
            response: HttpResponse = HttpResponseNotModified()
        else:
            response = HttpResponse(thumbnail.content, content_type=thumbnail.content_type)
            response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["ETag"] = thumbnail.etag
        response.headers["Cache-Control"] = cache_control
        return response


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
