from assets.models import BoardAsset
from assets.tests.conftest import MODERATOR_HEADERS, png_bytes


def test_each_decision_changes_the_status_and_writes_an_event(api):
    asset = api.uploaded()

    approved = api.moderate(asset["id"], "approved", notes="looks right", reviewer="mod-anna")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["reviewer"] == "mod-anna"
    assert approved.json()["reviewed_at"].endswith("+00:00")

    rejected = api.moderate(asset["id"], "rejected", notes="wrong revision", reviewer="mod-ben")
    back = api.moderate(asset["id"], "pending", reviewer="mod-ben")
    assert (rejected.status_code, back.status_code) == (200, 200)

    events = back.json()["events"]
    assert [(e["status"], e["reviewer"], e["notes"]) for e in events] == [
        ("pending", "", "Uploaded."),
        ("approved", "mod-anna", "looks right"),
        ("rejected", "mod-ben", "wrong revision"),
        ("pending", "mod-ben", ""),
    ]
    assert BoardAsset.objects.get(pk=asset["id"]).events.count() == 4


def test_rejecting_needs_notes(api):
    asset = api.uploaded()
    response = api.moderate(asset["id"], "rejected", notes="   ")
    assert response.status_code == 400
    assert "notes" in response.json()["detail"]
    assert BoardAsset.objects.get(pk=asset["id"]).events.count() == 1


def test_bad_decisions_are_400_naming_the_field(api):
    asset = api.uploaded()
    assert "status" in api.moderate(asset["id"], "published").json()
    response = api.client.patch(
        f"/api/board-assets/{asset['id']}/moderation",
        {"status": "approved", "reviewer": "x" * 151},
        content_type="application/json",
        **MODERATOR_HEADERS,
    )
    assert response.status_code == 400
    assert "reviewer" in response.json()
    assert api.moderate("00000000-0000-0000-0000-000000000000", "approved").status_code == 404


def test_the_queue_lists_pending_assets_oldest_first(api):
    first = api.uploaded(png_bytes(20, 20), title="first")
    second = api.uploaded(png_bytes(21, 21), title="second")
    done = api.uploaded(png_bytes(22, 22), title="done")
    api.moderate(done["id"], "approved")

    response = api.client.get("/api/board-assets/moderation/pending", **MODERATOR_HEADERS)
    assert response.status_code == 200
    assert [asset["id"] for asset in response.json()["results"]] == [first["id"], second["id"]]
    assert api.client.get("/api/board-assets/moderation/pending").status_code == 401
