"""Moderation events become the assets' audit trail: what was done (action), what changed, and they outlive the asset.

The new columns are filled here; 0003 makes them required and the asset
optional, in a transaction of its own (PostgreSQL refuses to alter a table
with row updates pending in the same transaction).
"""

from django.db import migrations, models
from django.db.models import F, Min


def fill_audit_fields(apps, schema_editor):
    ModerationEvent = apps.get_model("assets", "ModerationEvent")
    BoardAsset = apps.get_model("assets", "BoardAsset")
    ModerationEvent.objects.update(asset_ref=F("asset_id"))
    for asset in BoardAsset.objects.only("pk", "title").iterator():
        ModerationEvent.objects.filter(asset_id=asset.pk).update(asset_title=asset.title)
    # Each asset's first event is its upload (asset_upload writes it with the row).
    first_ids = ModerationEvent.objects.values("asset_id").annotate(first=Min("id")).values("first")
    ModerationEvent.objects.filter(id__in=first_ids).update(action="upload")


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_board_assets")]

    operations = [
        migrations.AddField(
            model_name="moderationevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("upload", "Uploaded"),
                    ("decision", "Moderation decision"),
                    ("edit", "Metadata edited"),
                    ("delete", "Deleted"),
                ],
                default="decision",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="moderationevent",
            name="changes",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="moderationevent",
            name="asset_title",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="moderationevent",
            name="asset_ref",
            field=models.UUIDField(null=True, verbose_name="asset id"),
        ),
        migrations.RunPython(fill_audit_fields, migrations.RunPython.noop),
    ]
