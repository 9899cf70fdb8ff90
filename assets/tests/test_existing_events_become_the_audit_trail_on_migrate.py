"""Migrating a database with assets and events: every old event names its asset, the first one is the upload."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assets", "0001_board_assets")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_events_get_their_asset_id_title_and_action_and_outlive_the_asset():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("assets")
    old = migrate(BEFORE)
    BoardAsset = old.get_model("assets", "BoardAsset")
    ModerationEvent = old.get_model("assets", "ModerationEvent")
    asset = BoardAsset.objects.create(
        id=uuid.uuid4(),
        title="From before",
        content_type="image/png",
        size=1,
        sha256="0" * 64,
        storage_key="x.png",
        status="approved",
    )
    ModerationEvent.objects.create(asset=asset, status="pending", notes="Uploaded.")
    ModerationEvent.objects.create(asset=asset, status="approved", reviewer="anna")

    new = migrate(latest)

    events = new.get_model("assets", "ModerationEvent").objects.order_by("id")
    assert [(e.asset_ref, e.asset_title, e.action, e.status) for e in events] == [
        (asset.pk, "From before", "upload", "pending"),
        (asset.pk, "From before", "decision", "approved"),
    ]
    new.get_model("assets", "BoardAsset").objects.filter(pk=asset.pk).delete()
    assert [(e.asset_id, e.asset_ref) for e in events.all()] == [(None, asset.pk), (None, asset.pk)]
