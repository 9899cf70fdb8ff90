"""Reads of the assets app: who sees which assets."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import QuerySet

from assets import storage
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


def asset_files_without_row(*, modified_before: datetime) -> list[str]:
    """Stored asset files (``<uuid>.<ext>``, ``<uuid>.thumbnail.webp``) whose asset has no row,
    last modified before ``modified_before``; other names in the store are not ours and never listed.

    An upload stores its files, then commits its row: a web process killed in between
    (kill -9, power loss) leaves files no row points to.
    """
    store = storage.asset_storage()
    _folders, names = store.listdir("")
    by_asset: dict[uuid.UUID, list[str]] = {}
    for name in names:
        try:
            asset_id = uuid.UUID(name.split(".", 1)[0])
        except ValueError:
            continue
        by_asset.setdefault(asset_id, []).append(name)
    ids = list(by_asset)
    known: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):  # SQLite allows only so many parameters in one IN
        known.update(BoardAsset.objects.filter(pk__in=ids[start : start + 500]).values_list("pk", flat=True))
    found: list[str] = []
    for asset_id, asset_names in by_asset.items():
        if asset_id in known:
            continue
        found.extend(name for name in asset_names if store.get_modified_time(name) < modified_before)
    return sorted(found)
