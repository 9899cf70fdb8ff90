"""Community printers: printer definitions moderators approved from submissions (submissions/).

The shipped definitions (printers/definitions/*.json) are files, not rows; a community printer
with the id of a shipped one is left out of the catalog (printers/selectors.py), the file wins.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PrinterSource(models.TextChoices):
    REPOSITORY = "repository"  # a file in printers/definitions/
    COMMUNITY = "community"  # an approved submission, not (yet) a repository file


class CommunityPrinter(models.Model):
    """One approved printer definition. ``definition`` is the whole document; the rest is for listing."""

    # The schema's slug (lowercase letters, digits, ".", "_", "-"), which Django's SlugField would refuse for ".".
    id = models.CharField(primary_key=True, max_length=80)
    definition = models.JSONField()
    name = models.CharField(max_length=200)
    manufacturer = models.CharField(max_length=100)
    kinematics = models.CharField(max_length=20)
    main_board = models.CharField(max_length=100, help_text="The board catalog id of its main board.")
    toolhead_board = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 (None: no toolhead, as the API says)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submission = models.ForeignKey(
        "submissions.PrinterSubmission", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "community_printers"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.id
