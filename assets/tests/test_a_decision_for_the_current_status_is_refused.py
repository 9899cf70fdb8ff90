"""A "transition" to the status an asset already has is a 409 naming that status, and writes no event."""

from assets.models import BoardAsset
from assets.tests.conftest import png_bytes

CHANGELIST = "/admin/assets/boardasset/"


def test_pending_to_pending_is_409_and_writes_no_event(api):
    asset = api.uploaded()

    response = api.moderate(asset["id"], "pending")

    assert response.status_code == 409
    assert "already pending" in response.json()["detail"]
    saved = BoardAsset.objects.get(pk=asset["id"])
    assert (saved.status, saved.reviewer, saved.reviewed_at) == ("pending", "", None)
    assert saved.events.count() == 1


def test_approving_an_approved_asset_is_409_and_keeps_the_first_decision(api):
    asset = api.approved()

    response = api.moderate(asset["id"], "approved", notes="again", reviewer="mod-ben")

    assert response.status_code == 409
    assert "already approved" in response.json()["detail"]
    saved = BoardAsset.objects.get(pk=asset["id"])
    assert (saved.reviewer, saved.events.count()) == ("mod-anna", 2)


def test_the_admin_reports_it_without_writing_an_event(api, admin_client):
    done = api.approved(png_bytes(20, 20), title="done")
    waiting = api.uploaded(png_bytes(21, 21), title="waiting")

    response = admin_client.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [done["id"], waiting["id"]]}, follow=True
    )

    html = response.content.decode()
    assert "1 asset(s) approved" in html
    assert "Done: The asset is already approved" in html  # the admin capitalises messages
    assert BoardAsset.objects.get(pk=done["id"]).events.count() == 2
    page = admin_client.post(f"{CHANGELIST}{waiting['id']}/moderate/approved/", {"notes": ""}, follow=True)
    assert "already approved" in page.content.decode()
    assert BoardAsset.objects.get(pk=waiting["id"]).events.count() == 2
