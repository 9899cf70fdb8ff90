"""Board catalog API: thin views over boards.selectors, boards.validation and boards.klipper."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from boards import selectors
from boards.api.pin_rules import pin_rules_body
from boards.klipper import board_pins_cfg
from boards.models import Board
from boards.validation import DEFINITIONS_DIR, definition_load, definition_validate, schema_load
from klipperiwc_site.api import ErrorSerializer, Pagination, UTCDateTimeField
from klipperiwc_site.negotiation import AnyAccept
from klipperiwc_site.openapi import DATABASE_DOWN, PUBLIC


class DefinitionProblemSerializer(serializers.Serializer):
    path = serializers.CharField(help_text='JSON pointer into the definition, e.g. "/connectors/2/pins/0/mcu_pin".')
    message = serializers.CharField()


class DefinitionVerdictSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    # DRF's serializer metaclass takes declared fields out of the class, so this field does not
    # replace Serializer.errors; the stubs cannot see that.
    errors = DefinitionProblemSerializer(many=True)  # type: ignore[assignment]


class DefinitionRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = DefinitionProblemSerializer(  # type: ignore[assignment]  # a declared field, as above
        many=True, required=False, help_text="When the definition itself is wrong."
    )


DEFINITION = OpenApiTypes.OBJECT
# A real definition, so the docs (and the schema check's examples phase) show a request that works.
EXAMPLE_DEFINITION = OpenApiExample(
    "btt-ebb-can-v1.2",
    value=definition_load(DEFINITIONS_DIR / "bigtreetech" / "btt-ebb-can-v1.2.json"),
    request_only=True,
)
KLIPPER_CFG = OpenApiResponse(OpenApiTypes.STR, description="A [board_pins] section (text/plain).")
TEXT_HEADERS = [
    OpenApiParameter(name, str, OpenApiParameter.HEADER, response=[200], description=value)
    for name, value in (("Content-Disposition", 'inline; filename="<id>.cfg"'), ("X-Content-Type-Options", "nosniff"))
]
NO_BOARD = OpenApiResponse(ErrorSerializer, description="No board with that id.")
UNAVAILABLE = OpenApiResponse(ErrorSerializer, description=DATABASE_DOWN)


class BoardSummarySerializer(serializers.ModelSerializer):
    updated_at = UTCDateTimeField()
    url = serializers.SerializerMethodField()
    klipper_cfg_url = serializers.SerializerMethodField()
    connectors = serializers.IntegerField(source="connector_count", read_only=True)

    class Meta:
        model = Board
        fields = [
            "id",
            "name",
            "manufacturer",
            "revision",
            "mcu_family",
            "mcu_chip",
            "secondary_mcu",
            "connectors",
            "updated_at",
            "url",
            "klipper_cfg_url",
        ]

    def get_url(self, board) -> str:
        return self.context["request"].build_absolute_uri(reverse("boards:detail", args=[board.pk]))

    def get_klipper_cfg_url(self, board) -> str:
        return self.context["request"].build_absolute_uri(reverse("boards:klipper-cfg", args=[board.pk]))


def _text(body: str, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _board_or_404(board_id: str) -> Board:
    board = selectors.board_get(board_id=board_id)
    if board is None:
        raise NotFound(f"No board with id {board_id!r}; GET /api/boards/ lists them.")
    return board


class BoardListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        summary="Search the board catalog",
        parameters=[
            OpenApiParameter("search", str, description="Words matched against name, id, manufacturer and MCU."),
            OpenApiParameter("manufacturer", str, description="Exact manufacturer (case-insensitive)."),
            OpenApiParameter("mcu", str, description="Exact MCU chip or family, e.g. stm32g0b1 or rp2040."),
        ],
        responses={200: BoardSummarySerializer(many=True), 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["boards"],
    )
    def get(self, request):
        params = request.query_params
        boards = selectors.board_search(
            search=params.get("search", ""), manufacturer=params.get("manufacturer", ""), mcu=params.get("mcu", "")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(boards, request, view=self)
        return paginator.get_paginated_response(
            BoardSummarySerializer(page, many=True, context={"request": request}).data
        )


class BoardDetailView(APIView):
    @extend_schema(
        summary="A board's full definition",
        description="The definition file as stored (JSON Schema: GET /api/boards/schema).",
        responses={200: DEFINITION, 404: NO_BOARD, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["boards"],
    )
    def get(self, request, board_id):
        return Response(_board_or_404(board_id).definition)


class BoardKlipperConfigView(APIView):
    content_negotiation_class = AnyAccept  # text/plain, whatever the client accepts

    @extend_schema(
        summary="A board's Klipper [board_pins] section",
        parameters=TEXT_HEADERS,
        responses={(200, "text/plain"): KLIPPER_CFG, 404: NO_BOARD, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["boards"],
    )
    def get(self, request, board_id):
        board = _board_or_404(board_id)
        return _text(board_pins_cfg(board.definition), filename=f"{board.pk}.cfg")


class BoardSchemaView(APIView):
    @extend_schema(
        summary="The board-definition JSON Schema", responses={200: DEFINITION}, auth=PUBLIC, tags=["boards"]
    )
    def get(self, request):
        return Response(schema_load())


class FamilyPinRulesSerializer(serializers.Serializer):
    pin_pattern = serializers.CharField(
        help_text="A valid MCU pin name of the family matches this regular expression (Python re and ECMAScript)."
    )
    hint = serializers.CharField(help_text='The valid names in words, e.g. "PA0..PK15 or ADC_TEMPERATURE".')
    adc_pattern = serializers.CharField(
        allow_null=True,
        help_text="Without an ADC table for the chip: an ADC-capable pin matches this; null: any valid pin is.",
    )
    chips = serializers.ListField(child=serializers.CharField(), help_text="Chips suggested for the family.")


class AliasRulesSerializer(serializers.Serializer):
    pattern = serializers.CharField(help_text="A connector id (and so a generated alias) matches this.")
    forbidden = serializers.CharField(help_text="Characters Klipper refuses in an alias name.")


class NetRulesSerializer(serializers.Serializer):
    pattern = serializers.CharField(help_text="A net name (GND, 5V, VIN) matches this.")
    usual_pattern = serializers.CharField(help_text="A value matching this reads as a net, not as an MCU pin.")
    functions = serializers.ListField(
        child=serializers.CharField(), help_text="On a contact with one of these functions any net name reads as a net."
    )


class PinRulesSerializer(serializers.Serializer):
    families = serializers.DictField(child=FamilyPinRulesSerializer(), help_text="By MCU family.")
    adc_pins = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The ADC-capable pins of each chip with a table (from Klipper's firmware sources).",
    )
    alias = AliasRulesSerializer()
    nets = NetRulesSerializer()


PIN_RULES_HEADERS = [
    OpenApiParameter(
        "ETag", str, OpenApiParameter.HEADER, response=[200, 304], description="Changes only when the rules change."
    ),
    OpenApiParameter("Cache-Control", str, OpenApiParameter.HEADER, response=[200, 304], description="no-cache"),
    OpenApiParameter(
        "If-None-Match",
        str,
        OpenApiParameter.HEADER,
        description="The ETag of a copy the client holds: 304 without a body when it is still current.",
    ),
]


class PinRulesView(APIView):
    @extend_schema(
        summary="The MCU pin rules",
        description="The rules POST /api/boards/validate applies to MCU pins, as data: valid pin names per family, "
        "ADC-capable pins per chip, alias and net names. The board designer checks pins with them as you type. "
        "Cacheable: send the ETag back in If-None-Match.",
        parameters=PIN_RULES_HEADERS,
        responses={200: PinRulesSerializer, 304: OpenApiResponse(description="Not modified: the copy is current.")},
        auth=PUBLIC,
        tags=["boards"],
    )
    def get(self, request):
        body, etag = pin_rules_body()
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        response = get_conditional_response(request, etag=etag)
        if response is None:
            response = HttpResponse(body, content_type="application/json")
        for name, value in headers.items():
            response[name] = value
        return response


class _DefinitionInView(APIView):
    # A pure computation on the posted JSON: no session, so no CSRF token needed.
    authentication_classes: list = []
    # A definition is a JSON document: a form body is a 415, not a "definition" of form fields.
    # api_settings imports the setting's dotted paths: the stubs type them as the str of the settings file.
    parser_classes = [
        parser  # type: ignore[misc]  # a class, not a str
        for parser in api_settings.DEFAULT_PARSER_CLASSES
        if issubclass(parser, JSONParser)  # type: ignore[arg-type]  # a class, not a str
    ]

    def problems(self, request) -> list[dict]:
        return [{"path": error.path, "message": error.message} for error in definition_validate(request.data)]


class BoardValidateView(_DefinitionInView):
    @extend_schema(
        summary="Check a board definition",
        description="Schema and pin rules; each problem names its JSON pointer path. Any JSON document is "
        "checked (an array is an invalid definition, not a bad request).",
        request=OpenApiTypes.ANY,
        examples=[EXAMPLE_DEFINITION],
        responses={200: DefinitionVerdictSerializer},
        auth=PUBLIC,
        tags=["boards"],
    )
    def post(self, request):
        problems = self.problems(request)
        return Response({"valid": not problems, "errors": problems})


class DefinitionKlipperConfigView(_DefinitionInView):
    content_negotiation_class = AnyAccept  # text/plain, whatever the client accepts

    @extend_schema(
        summary="Klipper [board_pins] section of a posted definition",
        description="The definition must pass POST /api/boards/validate (rules: GET /api/boards/schema).",
        request=DEFINITION,
        examples=[EXAMPLE_DEFINITION],
        parameters=TEXT_HEADERS,
        responses={
            (200, "text/plain"): KLIPPER_CFG,
            400: OpenApiResponse(
                DefinitionRefusalSerializer, description="The definition is not valid: each problem by path."
            ),
        },
        auth=PUBLIC,
        tags=["boards"],
    )
    def post(self, request):
        problems = self.problems(request)
        if problems:
            raise ValidationError({"detail": "The definition is not valid; fix these first.", "errors": problems})
        return _text(board_pins_cfg(request.data), filename=f"{request.data['id']}.cfg")
