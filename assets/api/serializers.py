"""Shapes of the board-asset API: what comes in, what goes out."""

from rest_framework import serializers

from assets import storage
from assets.models import BoardAsset, ModerationEvent, ModerationStatus, Visibility
from klipperiwc_site.api import UTCDateTimeField

# Shown to token holders only: the uploader's file name and the moderators' words.
PRIVILEGED_FIELDS = ("original_filename", "notes", "reviewer")

# The reviewer of API decisions and deletions that do not name one: the
# moderator token is shared, so the API cannot tell who holds it.
API_REVIEWER = "moderation API"


class StrictSerializer(serializers.Serializer):
    """Refuses unknown fields (a typo, or "status" on the upload token) and text fields not holding text that fits."""

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: "Unknown field." for name in unknown})
        problems = {}
        for name, field in self.fields.items():
            raw = self.initial_data.get(name, "")
            if not isinstance(field, serializers.CharField):
                continue
            # DRF's CharField takes 0 for "0", and checks max_length after trimming
            # whitespace: the value as sent is what the schema (and the client) sees.
            if not isinstance(raw, str):
                problems[name] = "Must be a string."
            elif field.max_length is not None and len(raw) > field.max_length:
                problems[name] = f"Ensure this field has no more than {field.max_length} characters."
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class ModerationEventSerializer(serializers.ModelSerializer):
    created_at = UTCDateTimeField()

    class Meta:
        model = ModerationEvent
        fields = ["action", "status", "changes", "reviewer", "notes", "created_at"]
        extra_kwargs = {
            "status": {"help_text": "The asset's status after this event."},
            "changes": {"help_text": 'For edits: each changed field, {"title": {"old": "...", "new": "..."}}.'},
        }


class BoardAssetSerializer(serializers.ModelSerializer):
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    reviewed_at = UTCDateTimeField(allow_null=True)
    file_url = serializers.SerializerMethodField(help_text="Link to the file; short-lived unless approved and public.")
    thumbnail_url = serializers.SerializerMethodField(
        help_text="Link to a WebP thumbnail (raster images only), like file_url."
    )

    class Meta:
        model = BoardAsset
        fields = [
            "id",
            "title",
            "description",
            "visibility",
            "uploaded_by",
            "content_type",
            "size",
            "sha256",
            "width",
            "height",
            "status",
            "reviewed_at",
            "created_at",
            "updated_at",
            "file_url",
            "thumbnail_url",
            *PRIVILEGED_FIELDS,
        ]

    def get_file_url(self, asset) -> str:
        # Every asset has a storage_key (a required column), so there always is a link.
        return storage.asset_url(asset, "file", request=self.context["request"]) or ""

    def get_thumbnail_url(self, asset) -> str | None:
        return storage.asset_url(asset, "thumbnail", request=self.context["request"])

    def to_representation(self, asset):
        data = super().to_representation(asset)
        if not self.context.get("privileged"):
            for name in PRIVILEGED_FIELDS:
                data.pop(name, None)
        return data


class BoardAssetWithEventsSerializer(BoardAssetSerializer):
    events = ModerationEventSerializer(many=True, read_only=True)

    class Meta(BoardAssetSerializer.Meta):
        fields = [*BoardAssetSerializer.Meta.fields, "events"]


class UploadSerializer(StrictSerializer):
    file = serializers.FileField(allow_empty_file=False, max_length=None, use_url=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)
    uploaded_by = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class UpdateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class ModerationSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=ModerationStatus.choices)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    reviewer = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        default=API_REVIEWER,
        help_text=f'Who made the decision; "{API_REVIEWER}" when left out or blank.',
    )

    def validate_reviewer(self, value: str) -> str:
        return value.strip() or API_REVIEWER
