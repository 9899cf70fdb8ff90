"""The server's copies of G-code thumbnails (control/thumbnails.py fetches and serves them)."""

from __future__ import annotations

from django.db import models

from status.models import Printer


class ThumbnailState(models.TextChoices):
    PENDING = "pending", "being fetched for the first time"
    STORED = "stored", "stored: storage_key holds the image"
    NONE = "none", "the file has no usable thumbnail"


class PrinterThumbnail(models.Model):
    """One G-code file's thumbnail on one printer, fetched from its Moonraker once per modified time.

    One row per (printer, file): the unique constraint makes concurrent first requests
    agree on one row, and the request holding ``claim`` is the only one fetching. A
    stored row always has its file at ``storage_key``; ``pending_key`` is where the
    claimant is writing (a file left there by a claimant that died is removed by the next).
    """

    printer = models.ForeignKey(Printer, on_delete=models.CASCADE, related_name="+", db_index=False)
    path_digest = models.CharField(max_length=64, help_text="SHA-256 of path (hex): the unique key.")
    path = models.CharField(max_length=1024, help_text="The G-code file, relative to Moonraker's gcodes folder.")
    state = models.CharField(max_length=16, choices=ThumbnailState.choices, default=ThumbnailState.PENDING)
    file_modified = models.FloatField(
        null=True, blank=True, help_text="The G-code file's modified time (Unix seconds) as Moonraker said."
    )
    storage_key = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=32, blank=True)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True, help_text="When Moonraker was last asked.")
    claim = models.CharField(max_length=32, blank=True, help_text="The request fetching it now.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    pending_key = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = "printer_thumbnails"
        constraints = [models.UniqueConstraint(fields=["printer", "path_digest"], name="printer_thumbnail_unique")]

    def __str__(self) -> str:
        return f"{self.path} ({self.state})"
