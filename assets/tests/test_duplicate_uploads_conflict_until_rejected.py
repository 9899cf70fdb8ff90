from assets.models import BoardAsset
from assets.tests.conftest import png_bytes


def test_the_same_file_is_409_while_pending_or_approved_and_welcome_after_a_rejection(api):
    content = png_bytes(32, 32, color=(9, 9, 9))
    first = api.uploaded(content, title="first")

    pending_again = api.upload(content, title="again")
    assert pending_again.status_code == 409
    assert first["id"] in pending_again.json()["detail"]

    assert api.moderate(first["id"], "approved").status_code == 200
    assert api.upload(content, title="again").status_code == 409

    assert api.moderate(first["id"], "rejected", notes="blurry").status_code == 200
    second = api.upload(content, title="sharper this time")
    assert second.status_code == 201
    assert BoardAsset.objects.filter(sha256=first["sha256"]).count() == 2


def test_a_rejected_copy_cannot_return_to_pending_while_another_copy_is_live(api):
    content = png_bytes(33, 33)
    first = api.uploaded(content)
    api.moderate(first["id"], "rejected", notes="dup test")
    api.uploaded(content)
    response = api.moderate(first["id"], "pending")
    assert response.status_code == 409
    assert BoardAsset.objects.get(pk=first["id"]).status == "rejected"
