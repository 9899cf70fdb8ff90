"""Printer-submission API: submit a printer definition (a signed-in session or a personal API key), list
one's own, its file and printer.cfg, and the moderators' decision. Thin views over submissions.services and
.selectors; authentication, refusals and the docs' answers are the board-submission API's (views.py)."""

from __future__ import annotations

import copy

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http_status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.models import Credential
from klipperiwc_site.api import ErrorSerializer, Pagination
from klipperiwc_site.negotiation import AnyAccept
from klipperiwc_site.parsers import DepthLimitedJSONParser
from printers.definitions import printer_definition
from printers.services import printer_config
from submissions import selectors, services
from submissions.api.serializers import DecisionSerializer, PrinterSubmissionSerializer, PrinterSubmitSerializer
from submissions.api.views import (
    AUTH,
    NOT_SIGNED_IN,
    REFUSED,
    SUBMISSION_ID,
    UNAVAILABLE,
    Refused,
    _SubmissionView,
    review_requested,
)
from submissions.printer_files import printer_file_text, printer_in_schema_order

TAGS = ["printer submissions"]
NO_SUBMISSION = OpenApiResponse(
    ErrorSerializer, description="No printer submission with that id that the caller may see."
)
INVALID = OpenApiResponse(
    ErrorSerializer, description="Not valid for the board catalog (or not storable): each problem by JSON path."
)


def _example_definition() -> dict:
    """A real shipped definition under an id of its own, so the docs show a submission that works."""
    definition = copy.deepcopy(printer_definition("creality-ender3-pro-4.2.2") or {})
    definition.update(id="my-ender3-pro", name="My Ender 3 Pro (4.2.2 board)")
    return definition


EXAMPLE_SUBMISSION = OpenApiExample(
    "my-ender3-pro",
    value={"definition": _example_definition()},
    request_only=True,
    media_type="application/json",
)


class _PrinterSubmissionView(_SubmissionView):
    def visible(self, submission_id: int):
        submission = selectors.printer_submission_visible(submission_id=submission_id, user=self.request.user)
        if submission is None:
            raise NotFound(f"No printer submission {submission_id} that you may see.")
        return submission

    def newest(self, submission_id: int):
        newest = selectors.newest_revision(self.visible(submission_id))
        if newest is None:
            raise NotFound("The submission has no revision.")
        return newest


class PrinterSubmissionListView(_PrinterSubmissionView):
    pagination_class = Pagination
    parser_classes = [DepthLimitedJSONParser]

    @extend_schema(
        summary="Your printer submissions (moderators: ?review=true for every pending one)",
        parameters=[OpenApiParameter("review", bool, description="Moderators: the pending submissions of everyone.")],
        responses={
            200: PrinterSubmissionSerializer(many=True),
            401: NOT_SIGNED_IN,
            403: REFUSED,
            503: UNAVAILABLE,
        },
        auth=AUTH,
        tags=TAGS,
    )
    def get(self, request):
        if review_requested(request):
            submissions = selectors.printer_submissions_to_review()
        else:
            submissions = selectors.printer_submissions_of(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(submissions, request, view=self)
        return paginator.get_paginated_response(
            PrinterSubmissionSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Submit a printer definition for review",
        description="The definition must pass POST /api/printers-catalog/printer.cfg (its boards from the board "
        "catalog, community boards included); its problems come back by JSON path. Your open submission "
        "(pending or rejected) of the same printer id gets a new revision. The id may be a shipped printer's: "
        "approved, its file is there for a pull request, and the shipped definition stays in the catalog.",
        request=PrinterSubmitSerializer,
        examples=[EXAMPLE_SUBMISSION],
        responses={
            201: PrinterSubmissionSerializer,
            400: OpenApiResponse(ErrorSerializer, description="No definition, or not valid (errors by path)."),
            401: NOT_SIGNED_IN,
            403: REFUSED,
            409: OpenApiResponse(ErrorSerializer, description="The same first submission came twice at once."),
            503: UNAVAILABLE,
        },
        auth=AUTH,
        tags=TAGS,
    )
    def post(self, request):
        body = PrinterSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        revision = services.printer_submission_submit(
            user=request.user,
            definition=body.validated_data["definition"],
            credential=Credential.API_KEY if request.auth is not None else Credential.SIGN_IN,
        )
        submission = self.visible(revision.submission_id)
        return Response(
            PrinterSubmissionSerializer(submission, context={"request": request}).data,
            status=http_status.HTTP_201_CREATED,
        )


class PrinterSubmissionDetailView(_PrinterSubmissionView):
    @extend_schema(
        summary="One printer submission with its revisions",
        parameters=[SUBMISSION_ID],
        responses={
            200: PrinterSubmissionSerializer,
            401: NOT_SIGNED_IN,
            403: REFUSED,
            404: NO_SUBMISSION,
            503: UNAVAILABLE,
        },
        auth=AUTH,
        tags=TAGS,
    )
    def get(self, request, submission_id: int):
        return Response(PrinterSubmissionSerializer(self.visible(submission_id), context={"request": request}).data)


class PrinterSubmissionFileView(_PrinterSubmissionView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        summary="The newest revision as the repository file",
        description="printers/definitions/<id>.json exactly as it would be committed (formatted as the shipped "
        "files are), for a pull request.",
        parameters=[SUBMISSION_ID],
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="The definition file."),
            401: NOT_SIGNED_IN,
            403: REFUSED,
            404: NO_SUBMISSION,
            503: UNAVAILABLE,
        },
        auth=AUTH,
        tags=TAGS,
    )
    def get(self, request, submission_id: int):
        newest = self.newest(submission_id)
        response = HttpResponse(printer_file_text(newest.definition), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{newest.definition["id"]}.json"'
        return response


class PrinterSubmissionConfigView(_PrinterSubmissionView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        summary="printer.cfg of the newest revision",
        description="Generated as GET /api/printers-catalog/{printer_id}/printer.cfg generates it, with the boards "
        "of the board catalog as it is now.",
        parameters=[SUBMISSION_ID],
        responses={
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="A complete printer.cfg."),
            400: INVALID,
            401: NOT_SIGNED_IN,
            403: REFUSED,
            404: NO_SUBMISSION,
            503: UNAVAILABLE,
        },
        auth=AUTH,
        tags=TAGS,
    )
    def get(self, request, submission_id: int):
        newest = self.newest(submission_id)
        problems, text = printer_config(definition=printer_in_schema_order(newest.definition))
        if text is None:
            raise Refused(
                services.SubmissionRefused(
                    "The definition is not valid for the board catalog any more; fix these first.", errors=problems
                )
            )
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = f'attachment; filename="{newest.definition["id"]}.cfg"'
        return response


class PrinterSubmissionDecisionView(_PrinterSubmissionView):
    parser_classes = [DepthLimitedJSONParser]

    @extend_schema(
        summary="Approve or reject (with notes) the newest revision",
        description="Approving puts the printer into GET /api/printers-catalog/ as a community printer (unless a "
        "shipped printer has its id: that one stays).",
        parameters=[SUBMISSION_ID],
        request=DecisionSerializer,
        responses={
            200: PrinterSubmissionSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="No decision, a rejection without notes, or it no longer passes the rules.",
            ),
            401: NOT_SIGNED_IN,
            403: REFUSED,
            404: NO_SUBMISSION,
            409: OpenApiResponse(ErrorSerializer, description="Decided already."),
            503: UNAVAILABLE,
        },
        auth=AUTH,
        tags=TAGS,
    )
    def post(self, request, submission_id: int):
        submission = self.visible(submission_id)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decide = (
            services.printer_submission_approve
            if body.validated_data["decision"] == "approve"
            else services.printer_submission_reject
        )
        decide(submission=submission, moderator=request.user, notes=body.validated_data["notes"])
        return Response(PrinterSubmissionSerializer(self.visible(submission_id), context={"request": request}).data)
