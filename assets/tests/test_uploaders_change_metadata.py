from assets.tests.conftest import MODERATOR_HEADERS, UPLOAD_HEADERS


def patch(api, asset_id, data, headers=UPLOAD_HEADERS):
    return api.client.patch(f"/api/board-assets/{asset_id}", data, content_type="application/json", **headers)


def test_title_description_and_visibility_change_with_the_upload_token(api):
    asset = api.uploaded(title="old", visibility="private")
    response = patch(api, asset["id"], {"title": "Octopus top", "description": "rev 1.1", "visibility": "public"})
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["description"], body["visibility"]) == ("Octopus top", "rev 1.1", "public")
    assert body["status"] == "pending"  # metadata changes are no moderation decision


def test_status_cannot_be_changed_through_the_metadata_endpoint(api):
    asset = api.uploaded()
    response = patch(api, asset["id"], {"status": "approved"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_bad_values_and_wrong_tokens_are_refused(api):
    asset = api.uploaded()
    assert "visibility" in patch(api, asset["id"], {"visibility": "everyone"}).json()
    assert "title" in patch(api, asset["id"], {"title": "x" * 201}).json()
    assert patch(api, asset["id"], {"title": "new"}, headers=MODERATOR_HEADERS).status_code == 403
    assert patch(api, asset["id"], {"title": "new"}, headers={}).status_code == 401
