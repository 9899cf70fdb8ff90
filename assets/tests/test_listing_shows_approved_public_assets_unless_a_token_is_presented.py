from assets.tests.conftest import MODERATOR_HEADERS, UPLOAD_HEADERS, png_bytes


def make_assets(api):
    public = api.approved(png_bytes(10, 10), title="approved public", visibility="public")
    private = api.approved(png_bytes(11, 11), title="approved private", visibility="private")
    pending = api.uploaded(png_bytes(12, 12), title="pending public", visibility="public")
    rejected = api.uploaded(png_bytes(13, 13), title="rejected public", visibility="public")
    api.moderate(rejected["id"], "rejected", notes="not a board")
    return public, private, pending, rejected


def titles(response):
    assert response.status_code == 200, response.content
    return [asset["title"] for asset in response.json()["results"]]


def test_anyone_sees_only_approved_public_assets(api):
    public, private, pending, rejected = make_assets(api)

    assert titles(api.list()) == ["approved public"]
    listed = api.list().json()["results"][0]
    assert {"notes", "reviewer", "original_filename"}.isdisjoint(listed)
    assert api.get(public["id"]).status_code == 200
    for hidden in (private, pending, rejected):
        response = api.get(hidden["id"])
        assert response.status_code == 404
        assert hidden["id"] in response.json()["detail"]


def test_token_holders_see_everything_newest_first_and_can_filter_by_status(api):
    make_assets(api)
    for headers in (UPLOAD_HEADERS, MODERATOR_HEADERS):
        assert titles(api.list(headers=headers)) == [
            "rejected public",
            "pending public",
            "approved private",
            "approved public",
        ]
        assert titles(api.list("?status=pending", headers=headers)) == ["pending public"]
        assert titles(api.list("?status=approved", headers=headers)) == ["approved private", "approved public"]


def test_a_status_filter_needs_a_token_and_a_known_value(api):
    make_assets(api)
    assert api.list("?status=pending").status_code == 401
    response = api.list("?status=archived", headers=MODERATOR_HEADERS)
    assert response.status_code == 400
    assert "status" in response.json()


def test_token_holders_get_the_event_history_with_an_asset(api):
    asset = api.approved(visibility="private")
    body = api.get(asset["id"], headers=UPLOAD_HEADERS).json()
    assert [event["status"] for event in body["events"]] == ["pending", "approved"]
    assert body["reviewer"] == "mod-anna"


def test_a_page_past_the_end_is_404_and_a_bad_id_is_404(api):
    make_assets(api)
    assert api.list("?page=5").status_code == 404
    response = api.client.get("/api/board-assets/not-a-uuid")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
