"""Board-submission API: submit from the designer (a signed-in session or a personal API key), list
one's own, and the moderators' decision. Thin views over submissions.services and .selectors."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http_status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, NotAuthenticated, NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import ApiKeyAuthentication
from accounts.models import Credential
from accounts.roles import Role, user_has_role
from assets.api.uploads import SizeLimitUploadHandler
from assets.services import AssetError
from boards.definition_files import definition_file_text
from boards.validation import DEFINITIONS_DIR, definition_load
from klipperiwc_site.api import ErrorSerializer, Pagination
from klipperiwc_site.converters import RowIdConverter
from klipperiwc_site.json_limits import JsonTooDeep, json_loads_limited
from klipperiwc_site.negotiation import AnyAccept
from klipperiwc_site.openapi import DATABASE_DOWN, PERSONAL_KEY
from klipperiwc_site.parsers import DepthLimitedJSONParser
from submissions import selectors, services
from submissions.api.serializers import (
    DecisionSerializer,
    SubmissionSerializer,
    SubmitFormSerializer,
    SubmitJsonSerializer,
)

SUBMISSION_ID = OpenApiParameter("submission_id", RowIdConverter.schema, OpenApiParameter.PATH)
NOT_SIGNED_IN = OpenApiResponse(ErrorSerializer, description="No personal API key and no signed-in session.")
REFUSED = OpenApiResponse(
    ErrorSerializer, description="A wrong key, a missing CSRF token, or the account may not do this."
)
NO_SUBMISSION = OpenApiResponse(ErrorSerializer, description="No submission with that id that the caller may see.")
UNAVAILABLE = OpenApiResponse(ErrorSerializer, description=DATABASE_DOWN)
# list[Any]: as in klipperiwc_site/openapi.py, requirement objects where the stubs say str.
AUTH: list[Any] = [PERSONAL_KEY]
# A real definition, so the docs (and the schema check's examples phase) show a submission that works.
EXAMPLE_SUBMISSION = OpenApiExample(
    "btt-ebb-can-v1.2",
    value={"definition": definition_load(DEFINITIONS_DIR / "bigtreetech" / "btt-ebb-can-v1.2.json")},
    request_only=True,
    media_type="application/json",
)


class Refused(APIException):
    def __init__(self, error) -> None:
        detail = {"detail": error.message}
        if getattr(error, "errors", None):
            detail["errors"] = [{"path": problem.path, "message": problem.message} for problem in error.errors]
        super().__init__(detail)
        self.status_code = error.status_code


class SignedIn(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated("Sign in, or send a personal API key (Authorization: Bearer kiwc_...).")
        return True


def review_requested(request) -> bool:
    """?review=true: a moderator asks for everyone's pending submissions (anyone else: a 403)."""
    raw = request.query_params.get("review")
    if raw is not None and raw not in ("true", "false"):
        raise ValidationError({"review": ["Use true or false."]})
    review = raw == "true"
    if review and not user_has_role(request.user, Role.MODERATOR):
        raise Refused(services.SubmissionRefused("Only moderators see everyone's submissions.", status_code=403))
    return review


class _SubmissionView(APIView):
    # A person, by key or by the session (whose writes need the CSRF token, as DRF checks).
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [SignedIn]

    def handle_exception(self, exc):
        if isinstance(exc, services.SubmissionRefused | AssetError):
            exc = Refused(exc)
        return super().handle_exception(exc)

    def visible(self, submission_id: int):
        submission = selectors.submission_visible(submission_id=submission_id, user=self.request.user)
        if submission is None:
            raise NotFound(f"No submission {submission_id} that you may see.")
        return submission


class SubmissionListView(_SubmissionView):
    pagination_class = Pagination
    parser_classes = [DepthLimitedJSONParser, MultiPartParser]

    def initial(self, request, *args, **kwargs):
        # Before authentication: a session's CSRF check reads the form, and with it the whole body.
        if request.method == "POST":
            request.upload_handlers.insert(0, SizeLimitUploadHandler(request._request))
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="Your board submissions (moderators: ?review=true for every pending one)",
        parameters=[OpenApiParameter("review", bool, description="Moderators: the pending submissions of everyone.")],
        responses={
            200: SubmissionSerializer(many=True),
            401: NOT_SIGNED_IN,
            403: REFUSED,
            503: UNAVAILABLE,
        },
        auth=AUTH,
        tags=["board submissions"],
    )
    def get(self, request):
        review = review_requested(request)
        submissions = selectors.submissions_to_review() if review else selectors.submissions_of(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(submissions, request, view=self)
        return paginator.get_paginated_response(
            SubmissionSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Submit a board definition for review",
        description="The definition must pass POST /api/boards/validate; its problems come back by JSON path. "
        "multipart/form-data with an optional picture (uploaded as a pending board asset and linked), or JSON. "
        "Your open submission (pending or rejected) of the same board id gets a new revision.",
        request={"multipart/form-data": SubmitFormSerializer, "application/json": SubmitJsonSerializer},
        examples=[EXAMPLE_SUBMISSION],
        responses={
            201: SubmissionSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="No definition, not valid (errors by path), a bad picture."
            ),
            401: NOT_SIGNED_IN,
            403: REFUSED,
            409: OpenApiResponse(ErrorSerializer, description="The picture conflicts with a stored asset."),
            413: OpenApiResponse(ErrorSerializer, description="The picture is larger than BOARD_ASSET_MAX_BYTES."),
            415: OpenApiResponse(ErrorSerializer, description="The picture is not a PNG, JPEG, WebP or SVG image."),
            503: UNAVAILABLE,
        },
        auth=AUTH,
        tags=["board submissions"],
    )
    def post(self, request):
        if request.content_type.startswith("multipart/"):
            form = SubmitFormSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            try:
                definition = json_loads_limited(form.validated_data["definition"])
            except (JsonTooDeep, json.JSONDecodeError) as exc:
                raise ValidationError({"definition": [f"Not a JSON document: {exc}"]}) from None
            picture = form.validated_data.get("picture")
        else:
            body = SubmitJsonSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            definition, picture = body.validated_data["definition"], None
        revision = services.submission_submit(
            user=request.user,
            definition=definition,
            picture=picture,
            credential=Credential.API_KEY if request.auth is not None else Credential.SIGN_IN,
        )
        submission = self.visible(revision.submission_id)
        return Response(
            SubmissionSerializer(submission, context={"request": request}).data, status=http_status.HTTP_201_CREATED
        )


class SubmissionDetailView(_SubmissionView):
    @extend_schema(
        summary="One submission with its revisions",
        parameters=[SUBMISSION_ID],
        responses={200: SubmissionSerializer, 401: NOT_SIGNED_IN, 403: REFUSED, 404: NO_SUBMISSION, 503: UNAVAILABLE},
        auth=AUTH,
        tags=["board submissions"],
    )
    def get(self, request, submission_id: int):
        return Response(SubmissionSerializer(self.visible(submission_id), context={"request": request}).data)


class SubmissionFileView(_SubmissionView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        summary="The newest revision as the repository file",
        description="boards/definitions/<manufacturer>/<id>.json exactly as it would be committed (formatted as "
        "the shipped files are), for a pull request.",
        parameters=[SUBMISSION_ID],
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="The definition file."),
            401: NOT_SIGNED_IN,
            403: REFUSED,
            404: NO_SUBMISSION,
            503: UNAVAILABLE,
        },
        auth=AUTH,
        tags=["board submissions"],
    )
    def get(self, request, submission_id: int):
        newest = selectors.newest_revision(self.visible(submission_id))
        if newest is None:
            raise NotFound("The submission has no revision.")
        response = HttpResponse(definition_file_text(newest.definition), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{newest.definition["id"]}.json"'
        return response


class SubmissionDecisionView(_SubmissionView):
    parser_classes = [DepthLimitedJSONParser]

    @extend_schema(
        summary="Approve or reject (with notes) the newest revision",
        parameters=[SUBMISSION_ID],
        request=DecisionSerializer,
        responses={
            200: SubmissionSerializer,
            400: OpenApiResponse(ErrorSerializer, description="No decision, or a rejection without notes."),
            401: NOT_SIGNED_IN,
            403: REFUSED,
            404: NO_SUBMISSION,
            409: OpenApiResponse(ErrorSerializer, description="Decided already, or its picture was rejected."),
            503: UNAVAILABLE,
        },
        auth=AUTH,
        tags=["board submissions"],
    )
    def post(self, request, submission_id: int):
        submission = self.visible(submission_id)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["decision"] == "approve":
            services.submission_approve(
                submission=submission, moderator=request.user, notes=body.validated_data["notes"]
            )
        else:
            services.submission_reject(
                submission=submission, moderator=request.user, notes=body.validated_data["notes"]
            )
        return Response(SubmissionSerializer(self.visible(submission_id), context={"request": request}).data)
