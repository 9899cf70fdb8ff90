"""Every event names its asset (asset_ref); events stay when their asset is deleted (asset set to NULL)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assets", "0002_moderation_event_audit")]

    operations = [
        migrations.AlterField(
            model_name="moderationevent",
            name="asset_ref",
            field=models.UUIDField(db_index=True, verbose_name="asset id"),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="asset",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="events",
                to="assets.boardasset",
            ),
        ),
    ]
