"""Printer catalog API: the shipped and the community printer definitions, and the printer.cfg generator
(thin views over printers.selectors and printers.services)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from klipperiwc_site.api import ErrorSerializer
from klipperiwc_site.negotiation import AnyAccept
from klipperiwc_site.openapi import DATABASE_DOWN, PUBLIC
from printers.definitions import printer_definition, schema_load
from printers.models import PrinterSource
from printers.selectors import printer_definition_get, printer_definitions_catalog
from printers.services import printer_config

PRINTER_ID = OpenApiParameter(
    "printer_id", {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]*$", "maxLength": 80}, OpenApiParameter.PATH
)
BOARD = OpenApiParameter(
    "board", str, description="Another main board from the board catalog, instead of the definition's."
)
PRINTER_CFG = OpenApiResponse(OpenApiTypes.STR, description="A complete printer.cfg (text/plain).")
NO_PRINTER = OpenApiResponse(ErrorSerializer, description="No shipped or community printer with that id.")
INVALID = OpenApiResponse(
    ErrorSerializer, description="The definition is not valid for its boards: each problem by JSON path."
)
UNAVAILABLE = OpenApiResponse(ErrorSerializer, description=DATABASE_DOWN)
EXAMPLE = OpenApiExample(
    "creality-ender3-pro-4.2.2", value=printer_definition("creality-ender3-pro-4.2.2"), request_only=True
)


class PrinterSummarySerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    manufacturer = serializers.CharField()
    kinematics = serializers.CharField()
    main_board = serializers.CharField()
    toolhead_board = serializers.CharField(allow_null=True)
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named like Field.source, as DRF allows
        choices=PrinterSource.choices,
        help_text="repository: a shipped file (printers/definitions/); community: an approved submission.",
    )


def _summary(definition: dict, source: str) -> dict:
    toolhead = definition["boards"].get("toolhead")
    return {
        "id": definition["id"],
        "name": definition["name"],
        "manufacturer": definition["manufacturer"],
        "kinematics": definition["kinematics"],
        "main_board": definition["boards"]["main"],
        "toolhead_board": toolhead["board"] if toolhead else None,
        "source": source,
    }


def _text(body: str, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refused(problems) -> ValidationError:
    return ValidationError(
        {
            "detail": "The printer definition is not valid for its boards; fix these first.",
            "errors": [{"path": problem.path, "message": problem.message} for problem in problems],
        }
    )


class PrinterListView(APIView):
    authentication_classes: list = []

    @extend_schema(
        summary="The printer definitions: the shipped ones and the community's",
        description="A community printer whose id a shipped printer has is left out (the shipped file wins). "
        "While the database is down the shipped printers are still listed.",
        responses={200: PrinterSummarySerializer(many=True)},
        auth=PUBLIC,
        tags=["printer catalog"],
    )
    def get(self, request):
        return Response([_summary(entry.definition, entry.source) for entry in printer_definitions_catalog()])


class PrinterSchemaView(APIView):
    authentication_classes: list = []

    @extend_schema(
        summary="The printer-definition JSON Schema",
        responses={200: OpenApiTypes.OBJECT},
        auth=PUBLIC,
        tags=["printer catalog"],
    )
    def get(self, request):
        return Response(schema_load())


class PrinterDetailView(APIView):
    authentication_classes: list = []

    @extend_schema(
        summary="A printer definition (shipped, else the community's)",
        parameters=[PRINTER_ID],
        responses={200: OpenApiTypes.OBJECT, 404: NO_PRINTER, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["printer catalog"],
    )
    def get(self, request, printer_id):
        found = printer_definition_get(printer_id)
        if found is None:
            raise NotFound(f"No printer {printer_id!r}; GET /api/printers-catalog/ lists them.")
        return Response(found.definition)


class PrinterConfigView(APIView):
    authentication_classes: list = []
    content_negotiation_class = AnyAccept

    @extend_schema(
        summary="printer.cfg of a shipped or community printer",
        parameters=[PRINTER_ID, BOARD],
        responses={(200, "text/plain"): PRINTER_CFG, 400: INVALID, 404: NO_PRINTER, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["printer catalog"],
    )
    def get(self, request, printer_id):
        found = printer_definition_get(printer_id)
        if found is None:
            raise NotFound(f"No printer {printer_id!r}; GET /api/printers-catalog/ lists them.")
        problems, text = printer_config(definition=found.definition, board=request.query_params.get("board") or None)
        if text is None:
            raise _refused(problems)
        return _text(text, filename=f"{printer_id}.cfg")


class DefinitionConfigView(APIView):
    authentication_classes: list = []
    content_negotiation_class = AnyAccept
    parser_classes = [
        parser  # type: ignore[misc]  # a class, not a str
        for parser in api_settings.DEFAULT_PARSER_CLASSES
        if issubclass(parser, JSONParser)  # type: ignore[arg-type]  # a class, not a str
    ]

    @extend_schema(
        summary="printer.cfg of a posted (edited) printer definition",
        request=OpenApiTypes.OBJECT,
        examples=[EXAMPLE],
        responses={(200, "text/plain"): PRINTER_CFG, 400: INVALID, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["printer catalog"],
    )
    def post(self, request):
        problems, text = printer_config(definition=request.data)
        if text is None:
            raise _refused(problems)
        return _text(text, filename=f"{request.data['id']}.cfg")
