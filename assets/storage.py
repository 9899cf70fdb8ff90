"""Where asset files live (local folder or S3, settings.STORAGES["board_assets"]) and how clients reach them.

Links:
- an approved public file: BOARD_ASSET_PUBLIC_URL + key when set, else the
  app's own file view, which anyone may fetch;
- anything else: a link that works for BOARD_ASSET_SIGNED_URL_SECONDS only:
  a signed link to the app's checking file view (local storage), or an S3
  presigned URL.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.files.storage import storages
from django.urls import reverse

SIGNING_SALT = "assets.file-link"


def asset_storage():
    return storages["board_assets"]


def is_s3() -> bool:
    return settings.BOARD_ASSET_STORAGE_BACKEND == "s3"


def storage_key(asset_id, extension: str) -> str:
    return f"{asset_id}.{extension}"


def thumbnail_key(asset_id) -> str:
    # Beside the original: <id>.<ext> and <id>.thumbnail.webp.
    return f"{asset_id}.thumbnail.webp"


def variant_key(asset, variant: str) -> str:
    """The stored name of an asset's "file" or "thumbnail" ("" when it has none)."""
    return asset.storage_key if variant == "file" else asset.thumbnail_key


def variant_content_type(asset, variant: str) -> str:
    return asset.content_type if variant == "file" else "image/webp"


def link_sign(asset, variant: str) -> str:
    return signing.TimestampSigner(salt=SIGNING_SALT).sign(f"{asset.pk}:{variant}")


def link_signature_valid(asset, variant: str, signature: str) -> bool:
    """True when ``signature`` was made by link_sign for this asset and variant and has not expired."""
    try:
        value = signing.TimestampSigner(salt=SIGNING_SALT).unsign(
            signature, max_age=settings.BOARD_ASSET_SIGNED_URL_SECONDS
        )
    except signing.BadSignature:  # includes SignatureExpired
        return False
    return value == f"{asset.pk}:{variant}"


def asset_url(asset, variant: str, *, request) -> str | None:
    """The link a client uses to fetch the file (variant "file") or its thumbnail; None when there is none."""
    key = variant_key(asset, variant)
    if not key:
        return None
    if asset.is_public:
        # Annotated: django-stubs gives this setting (set in both storage branches) an unresolved type.
        public_url: str = settings.BOARD_ASSET_PUBLIC_URL
        if public_url:
            return f"{public_url.rstrip('/')}/{key}"
        return request.build_absolute_uri(reverse(f"assets:{variant}", args=[asset.pk]))
    if is_s3():
        return s3_presigned_url(asset, variant)
    path = reverse(f"assets:{variant}", args=[asset.pk])
    return request.build_absolute_uri(f"{path}?signature={link_sign(asset, variant)}")


def s3_presigned_url(asset, variant: str) -> str:
    """A short-lived S3 link; the response headers keep browsers from sniffing or running the file."""
    key = variant_key(asset, variant)
    content_type = variant_content_type(asset, variant)
    # SVG opens as a download, never as a page on the bucket's origin (S3
    # cannot send a Content-Security-Policy); <img> tags still show it.
    disposition = "attachment" if content_type == "image/svg+xml" else "inline"
    return asset_storage().url(
        key,
        parameters={
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f'{disposition}; filename="{key}"',
        },
        expire=settings.BOARD_ASSET_SIGNED_URL_SECONDS,
    )
