"""The moderator token is shared, so a decision that names no reviewer is recorded as the moderation API's."""

from assets.models import BoardAsset
from assets.tests.conftest import MODERATOR_HEADERS


def decide(api, asset_id, body):
    return api.client.patch(
        f"/api/board-assets/{asset_id}/moderation", body, content_type="application/json", **MODERATOR_HEADERS
    )


def test_rejecting_without_a_reviewer_is_recorded_as_the_moderation_api(api):
    asset = api.uploaded()

    response = decide(api, asset["id"], {"status": "rejected", "notes": "not a board"})

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["reviewer"]) == ("rejected", "moderation API")
    event = BoardAsset.objects.get(pk=asset["id"]).events.last()
    assert (event.action, event.status, event.reviewer, event.notes) == (
        "decision",
        "rejected",
        "moderation API",
        "not a board",
    )


def test_a_blank_reviewer_counts_as_none_and_a_named_one_is_kept(api):
    asset = api.uploaded()
    assert decide(api, asset["id"], {"status": "approved", "reviewer": "  "}).json()["reviewer"] == "moderation API"
    named = decide(api, asset["id"], {"status": "pending", "reviewer": "mod-anna"})
    assert named.json()["reviewer"] == "mod-anna"


def test_rejecting_without_notes_still_says_notes_are_needed(api):
    asset = api.uploaded()
    response = decide(api, asset["id"], {"status": "rejected"})
    assert response.status_code == 400
    assert "notes" in response.json()["detail"]
