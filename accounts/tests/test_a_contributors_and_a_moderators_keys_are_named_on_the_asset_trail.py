"""Board pictures uploaded and moderated by key name their people on the asset and every event."""

import io

import pytest

from assets.models import BoardAsset, ModerationEvent
from assets.tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


def test_upload_and_decision_by_key_record_both_users(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    picture = io.BytesIO(png_bytes())
    picture.name = "board.png"

    uploaded = client.post("/api/board-assets/", {"file": picture, "uploaded_by": "someone else"}, **carla.bearer)
    asset_id = uploaded.json()["id"]
    decided = client.patch(
        f"/api/board-assets/{asset_id}/moderation",
        {"status": "approved", "reviewer": "not mona"},
        content_type="application/json",
        **mona.bearer,
    )

    assert uploaded.status_code == 201, uploaded.content
    assert decided.status_code == 200, decided.content
    asset = BoardAsset.objects.get(pk=asset_id)
    assert (asset.uploaded_by, asset.reviewer) == ("carla", "mona")
    events = [(event.action, event.user, event.credential) for event in ModerationEvent.objects.order_by("id")]
    assert events == [("upload", carla.user, "api_key"), ("decision", mona.user, "api_key")]


def test_a_moderators_key_sees_pending_assets_in_the_listing(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    picture = io.BytesIO(png_bytes())
    picture.name = "board.png"
    client.post("/api/board-assets/", {"file": picture}, **carla.bearer)

    public = client.get("/api/board-assets/")
    moderator = client.get("/api/board-assets/?status=pending", **mona.bearer)

    assert public.json()["count"] == 0
    assert moderator.json()["count"] == 1
