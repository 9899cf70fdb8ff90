"""Board assets (community board pictures) and their moderation history."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Credential


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private"
    PUBLIC = "public", "Public"


class ModerationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


# A file (by checksum) may exist once among these; a rejected copy may be uploaded again.
LIVE_STATUSES = (ModerationStatus.PENDING, ModerationStatus.APPROVED)


class BoardAsset(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    uploaded_by = models.CharField(max_length=150, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField("type", max_length=50)
    size = models.PositiveBigIntegerField(help_text="Bytes, as stored.")
    sha256 = models.CharField("SHA-256", max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    storage_key = models.CharField(max_length=255, unique=True)
    thumbnail_key = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.PENDING)
    notes = models.TextField(blank=True, max_length=5000)
    reviewer = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "board_assets"
        ordering = ["-created_at"]
        indexes = [
            # The public list (approved + public, newest first) and the moderation queue.
            models.Index(fields=["status", "visibility", "-created_at"], name="board_asset_list_idx"),
            models.Index(fields=["sha256"], name="board_asset_sha256_idx"),
        ]
        constraints = [
            # Duplicates are refused by the database too, so two uploads at once cannot both win.
            models.UniqueConstraint(
                fields=["sha256"], condition=Q(status__in=LIVE_STATUSES), name="board_asset_live_sha256_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Anyone may see it: approved and public."""
        return self.status == ModerationStatus.APPROVED and self.visibility == Visibility.PUBLIC


class EventAction(models.TextChoices):
    UPLOAD = "upload", "Uploaded"
    DECISION = "decision", "Moderation decision"
    EDIT = "edit", "Metadata edited"
    DELETE = "delete", "Deleted"


class ModerationEvent(models.Model):
    """One entry of an asset's audit trail: its upload, every decision, every edit, its deletion.

    ``status`` is the asset's status after the event. Events outlive their
    asset: deleting it sets ``asset`` to NULL, and ``asset_ref`` and
    ``asset_title`` (copied when the event is written) still say which asset
    it was.
    """

    asset = models.ForeignKey(BoardAsset, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    asset_ref = models.UUIDField("asset id", db_index=True)
    asset_title = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=EventAction.choices, default=EventAction.DECISION)
    status = models.CharField(max_length=10, choices=ModerationStatus.choices)
    # For edits: {"title": {"old": ..., "new": ...}, ...}; empty for other actions.
    changes = models.JSONField(default=dict, blank=True)
    reviewer = models.CharField(max_length=150, blank=True)
    notes = models.TextField(blank=True)
    # Who did it (accounts/actors.py): a user (signed in, or by a personal API key), or an
    # environment token (user empty). ``reviewer`` keeps the name the seed's API lets a token name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credential = models.CharField(max_length=16, choices=Credential.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "board_asset_moderation_events"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["asset", "created_at"], name="board_asset_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.status}) by {self.reviewer or 'the uploader'}"

    def save(self, *args, **kwargs):
        if self.asset is not None:
            if self.asset_ref is None:
                self.asset_ref = self.asset.pk
            if not self.asset_title:
                self.asset_title = self.asset.title
        super().save(*args, **kwargs)
