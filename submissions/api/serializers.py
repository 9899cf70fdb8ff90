"""The board-submission API's serializers."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets import storage
from boards.definition_files import definition_file_path
from klipperiwc_site.api import UTCDateTimeField
from submissions.models import BoardSubmission, BoardSubmissionRevision, RevisionOutcome, SubmissionState
from submissions.selectors import newest_revision


class RevisionSerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(choices=RevisionOutcome.choices)
    reviewer = serializers.SerializerMethodField()
    picture = serializers.UUIDField(source="picture_id", allow_null=True, help_text="The board asset of its picture.")
    created_at = UTCDateTimeField()
    reviewed_at = UTCDateTimeField(allow_null=True)

    class Meta:
        model = BoardSubmissionRevision
        fields = ["number", "outcome", "notes", "reviewer", "reviewed_at", "picture", "created_at"]

    def get_reviewer(self, revision) -> str | None:
        return revision.reviewer.get_username() if revision.reviewer else None


class SubmissionSerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=SubmissionState.choices)
    submitter = serializers.SerializerMethodField()
    revisions = RevisionSerializer(many=True, read_only=True, help_text="Newest first.")
    file_path = serializers.SerializerMethodField(help_text="Where the definition goes in the repository.")
    file_url = serializers.SerializerMethodField(help_text="The newest revision's file, as it would be committed.")
    review_url = serializers.SerializerMethodField(help_text="The review page.")
    definition = serializers.SerializerMethodField(help_text="The newest revision's definition.")
    picture_url = serializers.SerializerMethodField(
        help_text="A link to the newest revision's picture (short-lived while it waits for a moderator)."
    )
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

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

    def get_submitter(self, submission) -> str | None:
        return submission.submitter.get_username() if submission.submitter else None

    def get_file_path(self, submission) -> str | None:
        newest = newest_revision(submission)
        return f"boards/definitions/{definition_file_path(newest.definition)}" if newest else None

    def get_file_url(self, submission) -> str:
        return self.context["request"].build_absolute_uri(reverse("submissions-api:file", args=[submission.pk]))

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_definition(self, submission):
        newest = newest_revision(submission)
        return newest.definition if newest else None

    def get_picture_url(self, submission) -> str | None:
        newest = newest_revision(submission)
        if newest is None or newest.picture is None:
            return None
        return storage.asset_url(newest.picture, "file", request=self.context["request"])

    def get_review_url(self, submission) -> str:
        return self.context["request"].build_absolute_uri(reverse("submission-review", args=[submission.pk]))


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
