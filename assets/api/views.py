"""Board-asset API: thin views over assets.services and assets.selectors."""

from __future__ import annotations

from django.http import FileResponse, HttpResponseRedirect, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http_status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import actors
from assets import selectors, services, storage
from assets.api.serializers import (
    API_REVIEWER,
    BoardAssetSerializer,
    BoardAssetWithEventsSerializer,
    ModerationSerializer,
    UpdateSerializer,
    UploadSerializer,
)
from assets.api.uploads import SizeLimitUploadHandler
from assets.models import BoardAsset, ModerationStatus
from assets.permissions import MODERATOR_HEADER, UPLOAD_HEADER, Role, TokenMissing, require_role, roles_of
from klipperiwc_site.api import ErrorSerializer, Pagination
from klipperiwc_site.negotiation import AnyAccept
from klipperiwc_site.openapi import ANYONE_OR_TOKEN, DATABASE_DOWN, MODERATOR, UPLOADER

# The tokens are security schemes (SPECTACULAR_SETTINGS), named per operation with auth=.
ASSET_ID = OpenApiParameter("asset_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
NO_ASSET = OpenApiResponse(ErrorSerializer, description="No board asset with that id (that the caller may see).")
WRONG_TOKEN = OpenApiResponse(ErrorSerializer, description="A token header with a wrong token, or the other role's.")
UNAVAILABLE = OpenApiResponse(ErrorSerializer, description=DATABASE_DOWN)
TOKEN_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No token header; the answer names the one needed."),
    403: WRONG_TOKEN,
    503: OpenApiResponse(
        ErrorSerializer, description=f"The token's variable is not set on this server. {DATABASE_DOWN}"
    ),
}
CHALLENGE = OpenApiParameter(
    "WWW-Authenticate", str, OpenApiParameter.HEADER, response=[401], description="Names the token header."
)


class AssetProblem(APIException):
    """An AssetError from a service, answered with its own status code."""

    def __init__(self, error: services.AssetError) -> None:
        super().__init__(error.message)
        self.status_code = error.status_code


class _AssetView(APIView):
    # Callers identify with tokens (assets/permissions.py), not sessions.
    authentication_classes: list = []

    def handle_exception(self, exc):
        if isinstance(exc, services.AssetError):
            exc = AssetProblem(exc)
        return super().handle_exception(exc)

    def context(self, *, privileged: bool) -> dict:
        return {"request": self.request, "privileged": privileged}

    def asset_or_404(self, asset_id, *, privileged: bool) -> BoardAsset:
        asset = selectors.asset_visible(asset_id=asset_id, privileged=privileged)
        if asset is None:
            raise NotFound(f"No board asset with id {asset_id}.")
        return asset


class BoardAssetListView(_AssetView):
    pagination_class = Pagination

    @extend_schema(
        summary="List board assets",
        description="Approved public assets, newest first. With the upload or moderator token: "
        "every asset, private ones too, optionally filtered by status.",
        parameters=[
            OpenApiParameter("status", str, enum=ModerationStatus.values, description="Needs a token."),
            CHALLENGE,
        ],
        responses={
            200: BoardAssetSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="status is not one of the moderation states."),
            401: OpenApiResponse(ErrorSerializer, description="status without a token header."),
            403: WRONG_TOKEN,
            503: UNAVAILABLE,
        },
        auth=ANYONE_OR_TOKEN,
        tags=["board assets"],
    )
    def get(self, request):
        privileged = bool(roles_of(request))
        wanted = request.query_params.get("status")
        if wanted is not None and wanted not in ModerationStatus.values:
            raise ValidationError({"status": f"Use one of: {', '.join(ModerationStatus.values)}."})
        if wanted is not None and not privileged:
            raise TokenMissing(f"{UPLOAD_HEADER} or {MODERATOR_HEADER}")
        assets = selectors.asset_list(privileged=privileged, status=wanted)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(assets, request, view=self)
        data = BoardAssetSerializer(page, many=True, context=self.context(privileged=privileged)).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        summary="Upload a board graphic",
        description="multipart/form-data. PNG, JPEG, WebP or SVG, judged by content; SVG is sanitised. "
        "The asset starts pending.",
        parameters=[CHALLENGE],
        request={"multipart/form-data": UploadSerializer},
        responses={
            201: BoardAssetSerializer,
            400: ErrorSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The same file is pending or approved already."),
            413: OpenApiResponse(ErrorSerializer, description="Larger than BOARD_ASSET_MAX_BYTES."),
            415: OpenApiResponse(ErrorSerializer, description="Not a PNG, JPEG, WebP or SVG image."),
            **TOKEN_ERRORS,
        },
        auth=UPLOADER,
        tags=["board assets"],
    )
    def post(self, request):
        # The token is checked before a byte of the body is read.
        require_role(request, Role.UPLOADER)
        request.upload_handlers.insert(0, SizeLimitUploadHandler(request._request))
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = actors.actor_of(request)
        asset = services.asset_upload(
            file=data["file"],
            title=data["title"],
            description=data["description"],
            visibility=data["visibility"],
            # A personal key names its owner; only an environment token says who it is in the body.
            uploaded_by=actor.name if actor.user is not None else data["uploaded_by"],
            original_filename=data["file"].name or "",
            actor=actor,
        )
        body = BoardAssetSerializer(asset, context=self.context(privileged=True)).data
        return Response(body, status=http_status.HTTP_201_CREATED)


class BoardAssetDetailView(_AssetView):
    @extend_schema(
        summary="One board asset",
        description="Approved public assets for everyone; any asset, with its moderation events, for token holders.",
        parameters=[ASSET_ID],
        responses={200: BoardAssetWithEventsSerializer, 403: WRONG_TOKEN, 404: NO_ASSET, 503: UNAVAILABLE},
        auth=ANYONE_OR_TOKEN,
        tags=["board assets"],
    )
    def get(self, request, asset_id):
        privileged = bool(roles_of(request))
        asset = self.asset_or_404(asset_id, privileged=privileged)
        serializer_class = BoardAssetWithEventsSerializer if privileged else BoardAssetSerializer
        return Response(serializer_class(asset, context=self.context(privileged=privileged)).data)

    @extend_schema(
        summary="Change title, description or visibility",
        parameters=[ASSET_ID, CHALLENGE],
        request={"application/json": UpdateSerializer},
        responses={200: BoardAssetSerializer, 400: ErrorSerializer, 404: NO_ASSET, **TOKEN_ERRORS},
        auth=UPLOADER,
        tags=["board assets"],
    )
    def patch(self, request, asset_id):
        require_role(request, Role.UPLOADER)
        asset = self.asset_or_404(asset_id, privileged=True)
        serializer = UpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        asset = services.asset_update(asset=asset, **serializer.validated_data, actor=actors.actor_of(request))
        return Response(BoardAssetSerializer(asset, context=self.context(privileged=True)).data)

    @extend_schema(
        summary="Delete an asset and its files",
        parameters=[ASSET_ID, CHALLENGE],
        request=None,
        responses={204: None, 404: NO_ASSET, **TOKEN_ERRORS},
        auth=MODERATOR,
        tags=["board assets"],
    )
    def delete(self, request, asset_id):
        require_role(request, Role.MODERATOR)
        asset = self.asset_or_404(asset_id, privileged=True)
        actor = actors.actor_of(request)
        services.asset_delete(asset=asset, reviewer=actor.name if actor.user is not None else API_REVIEWER, actor=actor)
        return Response(status=http_status.HTTP_204_NO_CONTENT)


class ModerationQueueView(_AssetView):
    pagination_class = Pagination

    @extend_schema(
        summary="Pending assets, oldest first",
        parameters=[CHALLENGE],
        responses={200: BoardAssetSerializer(many=True), **TOKEN_ERRORS},
        auth=MODERATOR,
        tags=["board assets"],
    )
    def get(self, request):
        require_role(request, Role.MODERATOR)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.moderation_queue(), request, view=self)
        data = BoardAssetSerializer(page, many=True, context=self.context(privileged=True)).data
        return paginator.get_paginated_response(data)


class ModerationDecisionView(_AssetView):
    @extend_schema(
        summary="Approve, reject (with notes) or reset an asset to pending",
        parameters=[ASSET_ID, CHALLENGE],
        request={"application/json": ModerationSerializer},
        responses={
            200: BoardAssetWithEventsSerializer,
            400: ErrorSerializer,
            404: NO_ASSET,
            409: OpenApiResponse(
                ErrorSerializer,
                description="The asset has that status already, or another copy of the file is pending or approved.",
            ),
            **TOKEN_ERRORS,
        },
        auth=MODERATOR,
        tags=["board assets"],
    )
    def patch(self, request, asset_id):
        require_role(request, Role.MODERATOR)
        asset = self.asset_or_404(asset_id, privileged=True)
        serializer = ModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = serializer.validated_data
        actor = actors.actor_of(request)
        if actor.user is not None:
            decision["reviewer"] = actor.name  # a personal key names its owner
        asset = services.asset_moderate(asset=asset, **decision, actor=actor)
        return Response(BoardAssetWithEventsSerializer(asset, context=self.context(privileged=True)).data)


# Files are shown, never run: no scripts, no plugins, no frames, no loads from elsewhere.
FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
}


FILE_RESPONSE_HEADERS = [
    OpenApiParameter(name, str, OpenApiParameter.HEADER, response=[200], description=f"{value}")
    for name, value in {
        **FILE_HEADERS,
        "Cache-Control": "public, max-age=3600 for approved public assets, else private, no-store",
        "Content-Disposition": 'inline; filename="<id>.<extension>"',
    }.items()
]
IMAGE = OpenApiResponse(OpenApiTypes.BINARY, description="The bytes, served with the headers below.")


class AssetFileView(APIView):
    """The file (or thumbnail) of an asset, for links from asset_url.

    Anyone may fetch an approved public asset; anything else needs a signed
    link from the API, a token header, or a staff session (admin previews).
    With S3 storage this answers with a redirect to a short-lived presigned URL.
    """

    variant = "file"
    # The staff session of an admin preview; tokens and signatures are checked in allowed().
    authentication_classes = [SessionAuthentication]
    content_negotiation_class = AnyAccept

    @extend_schema(
        summary="An asset's file (/file) or its WebP thumbnail (/thumbnail)",
        description="/file: the file as stored (PNG, JPEG, WebP or SVG); /thumbnail: a WebP thumbnail, raster "
        "images only. Approved public assets for everyone; anything else with the signed link from file_url / "
        "thumbnail_url, a token header, or a staff session. With S3 storage: a redirect to a presigned URL.",
        parameters=[
            ASSET_ID,
            OpenApiParameter(
                "signature",
                str,
                description="From file_url / thumbnail_url; valid for BOARD_ASSET_SIGNED_URL_SECONDS.",
            ),
            OpenApiParameter("Location", OpenApiTypes.URI, OpenApiParameter.HEADER, response=[302]),
            *FILE_RESPONSE_HEADERS,
        ],
        responses={
            **{(200, media_type): IMAGE for media_type in ("image/png", "image/jpeg", "image/webp", "image/svg+xml")},
            302: OpenApiResponse(description="S3 storage: to a presigned URL of the object."),
            403: OpenApiResponse(ErrorSerializer, description="The signature is expired or not valid."),
            404: OpenApiResponse(
                ErrorSerializer,
                description="No such asset, one the caller may not see, no thumbnail (SVG), or the stored file "
                "is missing.",
            ),
            503: UNAVAILABLE,
        },
        auth=ANYONE_OR_TOKEN,
        tags=["board assets"],
    )
    def get(self, request, asset_id):
        asset = BoardAsset.objects.filter(pk=asset_id).first()
        if asset is None:
            return _error(404, f"No board asset with id {asset_id}.")
        signature = request.GET.get("signature")
        if not asset.is_public and not self.allowed(request, asset, signature):
            if signature is not None:
                return _error(403, "The link has expired or is not valid; ask the API for a fresh one.")
            return _error(404, f"No board asset with id {asset_id}.")
        key = storage.variant_key(asset, self.variant)
        if not key:
            return _error(404, "This asset has no thumbnail (only raster images have one).")
        if storage.is_s3():
            return HttpResponseRedirect(storage.s3_presigned_url(asset, self.variant))
        try:
            handle = storage.asset_storage().open(key, "rb")
        except FileNotFoundError:
            return _error(404, "The stored file is missing; an operator has been told in the log.")
        content_type = storage.variant_content_type(asset, self.variant)
        response = FileResponse(handle, content_type=content_type, filename=key)
        response.headers["Content-Disposition"] = f'inline; filename="{key}"'
        for name, value in FILE_HEADERS.items():
            response.headers[name] = value
        response.headers["Cache-Control"] = "public, max-age=3600" if asset.is_public else "private, no-store"
        return response

    def allowed(self, request, asset, signature: str | None) -> bool:
        if signature is not None:
            return storage.link_signature_valid(asset, self.variant, signature)
        user = getattr(request, "user", None)
        if user is not None and user.is_active and user.is_staff:
            return True
        try:
            return bool(roles_of(request))
        except APIException:
            return False


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, headers={"X-Content-Type-Options": "nosniff"})
