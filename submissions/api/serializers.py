"""The board- and printer-submission APIs' serializers."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets import storage
from boards.definition_files import definition_file_path
from klipperiwc_site.api import UTCDateTimeField
from submissions.models import (
    BoardSubmission,
    BoardSubmissionRevision,
    PrinterSubmission,
    PrinterSubmissionRevision,
    RevisionOutcome,
    SubmissionState,
)
from submissions.printer_files import printer_file_path, printer_in_schema_order
from submissions.selectors import newest_revision


class _RevisionFields(serializers.ModelSerializer):
    """What a revision of either kind says."""

    outcome = serializers.ChoiceField(choices=RevisionOutcome.choices)
    reviewer = serializers.SerializerMethodField()
    created_at = UTCDateTimeField()
    reviewed_at = UTCDateTimeField(allow_null=True)

    def get_reviewer(self, revision) -> str | None:
        return revision.reviewer.get_username() if revision.reviewer else None


class RevisionSerializer(_RevisionFields):
    picture = serializers.UUIDField(source="picture_id", allow_null=True, help_text="The board asset of its picture.")

    class Meta:
        model = BoardSubmissionRevision
        fields = ["number", "outcome", "notes", "reviewer", "reviewed_at", "picture", "created_at"]


class _SubmissionFields(serializers.ModelSerializer):
    """What a submission of either kind says; each kind names its file, review page and definition's id."""

    file_api = ""  # the URL name of its file
    review_page = ""  # the URL name of its review page
    repository_path = staticmethod(lambda definition: "")  # where a definition's file goes in the repository
    state = serializers.ChoiceField(choices=SubmissionState.choices)
    submitter = serializers.SerializerMethodField()
    file_path = serializers.SerializerMethodField(help_text="Where the definition goes in the repository.")
    file_url = serializers.SerializerMethodField(help_text="The newest revision's file, as it would be committed.")
    review_url = serializers.SerializerMethodField(help_text="The review page.")
    definition = serializers.SerializerMethodField(help_text="The newest revision's definition.")
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    def get_submitter(self, submission) -> str | None:
        return submission.submitter.get_username() if submission.submitter else None

    def get_file_path(self, submission) -> str | None:
        newest = newest_revision(submission)
        return self.repository_path(newest.definition) if newest else None

    def get_file_url(self, submission) -> str:
        return self.context["request"].build_absolute_uri(reverse(self.file_api, args=[submission.pk]))

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_definition(self, submission):
        newest = newest_revision(submission)
        return newest.definition if newest else None

    def get_review_url(self, submission) -> str:
        return self.context["request"].build_absolute_uri(reverse(self.review_page, args=[submission.pk]))


class SubmissionSerializer(_SubmissionFields):
    file_api = "submissions-api:file"
    review_page = "submission-review"
    repository_path = staticmethod(lambda definition: f"boards/definitions/{definition_file_path(definition)}")
    revisions = RevisionSerializer(many=True, read_only=True, help_text="Newest first.")
    picture_url = serializers.SerializerMethodField(
        help_text="A link to the newest revision's picture (short-lived while it waits for a moderator)."
    )

    class Meta:
        model = BoardSubmission
        fields = [
            "id",
            "board_id",
            "state",
            "submitter",
            "created_at",
            "updated_at",
            "revisions",
            "file_path",
            "file_url",
            "review_url",
            "definition",
            "picture_url",
        ]

    def get_picture_url(self, submission) -> str | None:
        newest = newest_revision(submission)
        if newest is None or newest.picture is None:
            return None
        return storage.asset_url(newest.picture, "file", request=self.context["request"])


class SubmitJsonSerializer(serializers.Serializer):
    definition = serializers.JSONField(help_text="The board definition (GET /api/boards/schema).")


class SubmitFormSerializer(serializers.Serializer):
    definition = serializers.CharField(help_text="The board definition as JSON text.")
    picture = serializers.FileField(
        required=False, help_text="The board picture (PNG, JPEG, WebP or SVG), uploaded as a board asset."
    )


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    notes = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="Needed to reject."
    )


class PrinterRevisionSerializer(_RevisionFields):
    class Meta:
        model = PrinterSubmissionRevision
        fields = ["number", "outcome", "notes", "reviewer", "reviewed_at", "created_at"]


class PrinterSubmissionSerializer(_SubmissionFields):
    """A printer submission: the board one's fields without a picture, with the printer.cfg it generates."""

    file_api = "printer-submissions-api:file"
    review_page = "printer-submission-review"
    repository_path = staticmethod(printer_file_path)
    # Nothing marks a printer submission merged (no sync of printer files does): the states it reaches.
    state = serializers.ChoiceField(
        choices=[(state.value, state.label) for state in SubmissionState if state != SubmissionState.MERGED]
    )
    revisions = PrinterRevisionSerializer(many=True, read_only=True, help_text="Newest first.")
    printer_cfg_url = serializers.SerializerMethodField(
        help_text="The printer.cfg the newest revision generates (with the board catalog as it is now)."
    )

    class Meta:
        model = PrinterSubmission
        fields = [
            "id",
            "printer_id",
            "state",
            "submitter",
            "created_at",
            "updated_at",
            "revisions",
            "definition",
            "file_path",
            "file_url",
            "review_url",
            "printer_cfg_url",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_definition(self, submission):
        newest = newest_revision(submission)
        return printer_in_schema_order(newest.definition) if newest else None

    def get_printer_cfg_url(self, submission) -> str:
        url = reverse("printer-submissions-api:printer-cfg", args=[submission.pk])
        return self.context["request"].build_absolute_uri(url)


class PrinterSubmitSerializer(serializers.Serializer):
    definition = serializers.JSONField(help_text="The printer definition (GET /api/printers-catalog/schema).")
