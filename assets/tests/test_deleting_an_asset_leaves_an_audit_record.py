"""A deleted asset's history stays, with a "delete" event, and moderators browse it in the admin."""

from assets.models import BoardAsset, ModerationEvent
from assets.tests.conftest import MODERATOR_HEADERS, png_bytes

EVENTS = "/admin/assets/moderationevent/"
ASSETS = "/admin/assets/boardasset/"


def test_an_api_delete_keeps_the_history_and_adds_a_delete_event(api):
    asset = api.approved(title="Gone soon")

    assert api.client.delete(f"/api/board-assets/{asset['id']}", **MODERATOR_HEADERS).status_code == 204

    assert not BoardAsset.objects.filter(pk=asset["id"]).exists()
    events = list(ModerationEvent.objects.filter(asset_ref=asset["id"]))
    assert [(event.action, event.status) for event in events] == [
        ("upload", "pending"),
        ("decision", "approved"),
        ("delete", "approved"),
    ]
    assert {event.asset_id for event in events} == {None}
    assert {event.asset_title for event in events} == {"Gone soon"}
    assert events[-1].reviewer == "moderation API"


def test_an_admin_delete_records_the_staff_user(api, admin_client, admin_user):
    asset = api.uploaded(title="Admin deletes me")

    response = admin_client.post(f"{ASSETS}{asset['id']}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not BoardAsset.objects.filter(pk=asset["id"]).exists()
    deleted = ModerationEvent.objects.get(asset_ref=asset["id"], action="delete")
    assert (deleted.reviewer, deleted.asset_title) == (admin_user.username, "Admin deletes me")


def test_the_admin_lists_events_of_deleted_and_live_assets_read_only_with_filters(api, admin_client):
    kept = api.approved(png_bytes(20, 20), title="Kept board")
    gone = api.uploaded(png_bytes(21, 21), title="Deleted board")
    api.client.delete(f"/api/board-assets/{gone['id']}", **MODERATOR_HEADERS)

    page = admin_client.get(EVENTS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Deleted board <small>(deleted)</small>" in html
    assert f'href="{ASSETS}{kept["id"]}/change/"' in html
    assert "Add moderation event" not in html

    only_deletes = admin_client.get(f"{EVENTS}?action__exact=delete").content.decode()
    assert "Deleted board" in only_deletes
    assert "Kept board" not in only_deletes
    of_deleted_assets = admin_client.get(f"{EVENTS}?asset_deleted=yes").content.decode()
    assert "Kept board" not in of_deleted_assets
    assert "Deleted board" in of_deleted_assets
    of_live_assets = admin_client.get(f"{EVENTS}?asset_deleted=no").content.decode()
    assert "Kept board" in of_live_assets
    assert "Deleted board" not in of_live_assets
    approvals = admin_client.get(f"{EVENTS}?action__exact=decision&status__exact=approved").content.decode()
    assert "Kept board" in approvals
    assert "Deleted board" not in approvals
    history = admin_client.get(f"{EVENTS}?asset_ref={gone['id']}").content.decode()
    assert history.count("Deleted board <small>(deleted)</small>") == 2  # its upload and its deletion

    event = ModerationEvent.objects.filter(asset_ref=gone["id"]).first()
    detail = admin_client.get(f"{EVENTS}{event.pk}/change/")
    assert detail.status_code == 200
    assert 'name="notes"' not in detail.content.decode()
    assert admin_client.post(f"{EVENTS}{event.pk}/change/", {"notes": "rewritten"}).status_code == 403
    assert admin_client.post(f"{EVENTS}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get(f"{EVENTS}add/").status_code == 403
    assert ModerationEvent.objects.get(pk=event.pk).notes == "Uploaded."

    # The asset's own page still shows its history inline.
    asset_page = admin_client.get(f"{ASSETS}{kept['id']}/change/").content.decode()
    assert "Moderation history" in asset_page
