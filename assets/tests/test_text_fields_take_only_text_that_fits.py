"""Text fields take text that fits: a number is a 400 (DRF would store 0 as "0"), and so is text over the limit."""

import pytest

from assets.tests.conftest import MODERATOR_HEADERS, UPLOAD_HEADERS


@pytest.mark.parametrize("body", [{"title": 7}, {"description": 0}, {"description": 1.5, "title": "ok"}])
def test_a_metadata_change_with_a_number_for_text_is_refused(api, body):
    asset = api.uploaded(title="before")

    response = api.client.patch(
        f"/api/board-assets/{asset['id']}", body, content_type="application/json", **UPLOAD_HEADERS
    )

    assert response.status_code == 400
    errors = response.json()
    wrong = sorted(name for name, value in body.items() if not isinstance(value, str))
    assert sorted(set(errors) - {"detail"}) == wrong
    assert all(errors[name] == ["Must be a string."] for name in wrong)
    assert api.client.get(f"/api/board-assets/{asset['id']}", **UPLOAD_HEADERS).json()["title"] == "before"


def test_a_moderation_decision_with_numeric_notes_is_refused(api):
    asset = api.uploaded()

    response = api.client.patch(
        f"/api/board-assets/{asset['id']}/moderation",
        {"status": "rejected", "notes": 404},
        content_type="application/json",
        **MODERATOR_HEADERS,
    )

    assert response.status_code == 400
    assert response.json()["notes"] == ["Must be a string."]
    assert api.client.get(f"/api/board-assets/{asset['id']}", **UPLOAD_HEADERS).json()["status"] == "pending"


def test_text_longer_than_its_limit_is_refused_even_when_whitespace_pads_it(api):
    asset = api.uploaded()

    response = api.client.patch(
        f"/api/board-assets/{asset['id']}/moderation",
        {"status": "approved", "reviewer": "\r" + "*" * 150},
        content_type="application/json",
        **MODERATOR_HEADERS,
    )

    assert response.status_code == 400
    assert response.json()["reviewer"] == ["Ensure this field has no more than 150 characters."]
