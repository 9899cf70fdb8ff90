"""An uploader's edit of an approved asset is not public until a moderator has seen it; every edit is recorded."""

from assets.models import BoardAsset
from assets.tests.conftest import UPLOAD_HEADERS, png_bytes

CHANGELIST = "/admin/assets/boardasset/"


def patch(api, asset_id, data):
    return api.client.patch(f"/api/board-assets/{asset_id}", data, content_type="application/json", **UPLOAD_HEADERS)


def test_an_edited_approved_asset_is_pending_again_and_hidden_until_approved(api):
    asset = api.approved(title="Octopus", description="rev 1.0", visibility="public")
    assert [item["id"] for item in api.list().json()["results"]] == [asset["id"]]

    response = patch(api, asset["id"], {"title": "Buy pills here", "description": "rev 1.0"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pending"
    # Neither the new nor the old title is public now.
    assert api.list().json()["results"] == []
    assert api.get(asset["id"]).status_code == 404
    edit = BoardAsset.objects.get(pk=asset["id"]).events.last()
    assert (edit.action, edit.status, edit.reviewer) == ("edit", "pending", "")
    # Only what changed is recorded: the description was sent unchanged.
    assert edit.changes == {"title": {"old": "Octopus", "new": "Buy pills here"}}
    assert "back to pending" in edit.notes

    assert api.moderate(asset["id"], "approved").status_code == 200
    assert [item["title"] for item in api.list().json()["results"]] == ["Buy pills here"]


def test_each_changed_field_is_recorded_old_to_new(api):
    asset = api.approved(title="Pico", description="", visibility="private")

    response = patch(api, asset["id"], {"description": "with CAN", "visibility": "public"})

    assert response.status_code == 200
    events = api.get(asset["id"], headers=UPLOAD_HEADERS).json()["events"]
    assert [(event["action"], event["status"]) for event in events] == [
        ("upload", "pending"),
        ("decision", "approved"),
        ("edit", "pending"),
    ]
    assert events[-1]["changes"] == {
        "description": {"old": "", "new": "with CAN"},
        "visibility": {"old": "private", "new": "public"},
    }


def test_an_edit_with_the_same_values_changes_nothing_and_writes_no_event(api):
    asset = api.approved(title="Same", description="d", visibility="public")
    before = BoardAsset.objects.get(pk=asset["id"])

    response = patch(api, asset["id"], {"title": "Same", "description": "d", "visibility": "public"})

    assert response.status_code == 200
    after = BoardAsset.objects.get(pk=asset["id"])
    assert (after.status, after.updated_at) == ("approved", before.updated_at)
    assert after.events.count() == 2  # upload and approval
    assert [item["id"] for item in api.list().json()["results"]] == [asset["id"]]


def test_pending_and_rejected_assets_keep_their_status_and_record_the_edit(api):
    pending = api.uploaded(png_bytes(30, 30), title="pending")
    rejected = api.uploaded(png_bytes(31, 31), title="rejected")
    assert api.moderate(rejected["id"], "rejected", notes="blurry").status_code == 200

    assert patch(api, pending["id"], {"title": "pending, renamed"}).json()["status"] == "pending"
    assert patch(api, rejected["id"], {"title": "rejected, renamed"}).json()["status"] == "rejected"

    for asset_id, status, old, new in (
        (pending["id"], "pending", "pending", "pending, renamed"),
        (rejected["id"], "rejected", "rejected", "rejected, renamed"),
    ):
        edit = BoardAsset.objects.get(pk=asset_id).events.last()
        assert (edit.action, edit.status, edit.notes) == ("edit", status, "")
        assert edit.changes == {"title": {"old": old, "new": new}}


def test_a_moderators_edit_in_the_admin_keeps_the_approval_and_is_recorded(api, admin_client, admin_user):
    asset = api.approved(title="old title", visibility="public")

    response = admin_client.post(
        f"{CHANGELIST}{asset['id']}/change/",
        {
            "title": "new title",
            "description": "",
            "visibility": "public",
            "events-TOTAL_FORMS": "2",
            "events-INITIAL_FORMS": "2",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    saved = BoardAsset.objects.get(pk=asset["id"])
    assert (saved.title, saved.status) == ("new title", "approved")
    edit = saved.events.last()
    assert (edit.action, edit.status, edit.reviewer) == ("edit", "approved", admin_user.username)
    assert edit.changes == {"title": {"old": "old title", "new": "new title"}}
    page = admin_client.get(f"{CHANGELIST}{asset['id']}/change/").content.decode()
    assert "title: “old title” → “new title”" in page
