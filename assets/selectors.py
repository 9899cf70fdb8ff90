"""Reads of the assets app: who sees which assets."""

from __future__ import annotations

from django.db.models import QuerySet

from assets.models import BoardAsset, ModerationStatus, Visibility


def asset_list(*, privileged: bool, status: str | None = None) -> QuerySet[BoardAsset]:
    """Newest first. Everyone sees approved public assets; token holders see all, filtered by ``status``."""
    assets = BoardAsset.objects.order_by("-created_at", "-pk")
    if not privileged:
        return assets.filter(status=ModerationStatus.APPROVED, visibility=Visibility.PUBLIC)
    return assets.filter(status=status) if status else assets


def asset_visible(*, asset_id, privileged: bool) -> BoardAsset | None:
    asset = BoardAsset.objects.filter(pk=asset_id).first()
    if asset is None or not (privileged or asset.is_public):
        return None
    return asset


def moderation_queue() -> QuerySet[BoardAsset]:
    """Pending assets, oldest first: the order a moderator works through them."""
    return BoardAsset.objects.filter(status=ModerationStatus.PENDING).order_by("created_at", "pk")
