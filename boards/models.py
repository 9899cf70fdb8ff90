"""The board catalog: definitions from boards/definitions/, loaded by `manage.py sync_boards`, and
community boards that moderators approved from submissions (submissions/)."""

from django.conf import settings
from django.db import models


class BoardSource(models.TextChoices):
    REPOSITORY = "repository"  # a file in boards/definitions/
    COMMUNITY = "community"  # an approved submission, not (yet) a repository file


class Board(models.Model):
    """One board revision. ``definition`` is the whole file (schema: boards/schema/); the rest is for search."""

    id = models.CharField(primary_key=True, max_length=100)
    name = models.CharField(max_length=200)
    manufacturer = models.CharField(max_length=100)
    revision = models.CharField(max_length=50, blank=True)
    mcu_family = models.CharField("MCU family", max_length=20)
    mcu_chip = models.CharField("MCU chip", max_length=50)
    secondary_mcu = models.CharField(
        max_length=50, blank=True, help_text="Klipper MCU name for a second MCU, e.g. EBBCan."
    )
    definition = models.JSONField()
    source_file = models.CharField(
        max_length=255, help_text="Relative to boards/definitions/ (for a community board: where its file would go)."
    )
    content_sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=10, choices=BoardSource.choices, default=BoardSource.REPOSITORY)
    # ",stepper,heater,fan," (each kind once, sorted): the library filters on it without reading the JSON.
    connector_kinds = models.CharField(max_length=500, blank=True)
    # How many connectors the definition has: lists show it without loading the definition.
    connectors = models.PositiveIntegerField(default=0)
    # The approved board picture the catalog shows (a community board's, or one linked to a repository board).
    picture = models.ForeignKey(
        "assets.BoardAsset", on_delete=models.SET_NULL, null=True, blank=True, related_name="boards"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submission = models.ForeignKey(
        "submissions.BoardSubmission", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "boards"
        ordering = ["manufacturer", "name", "id"]
        indexes = [
            models.Index(fields=["manufacturer"], name="board_manufacturer_idx"),
            models.Index(fields=["mcu_chip"], name="board_mcu_chip_idx"),
            models.Index(fields=["source"], name="board_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.name}"

    @property
    def connector_count(self) -> int:
        return self.connectors
