"""The account page makes a named key (shown once, never cached), lists keys by prefix and revokes them."""

import re

import pytest

from accounts.api_keys import api_key_find
from accounts.models import ApiKey

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password-for-tests"


def _signed_in(client, person, name="ada", *roles):
    someone = person(name, *roles)
    client.post("/accounts/sign-in", {"username": name, "password": PASSWORD})
    return someone


def test_a_new_key_is_shown_once_and_then_only_its_prefix(client, person):
    ada = _signed_in(client, person, "ada", "operators")

    made = client.post("/accounts/keys", {"name": "farm wall"})
    key = re.search(r'value="(kiwc_[^"]+)"', made.content.decode()).group(1)
    later = client.get("/accounts/").content.decode()

    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    row = api_key_find(key)
    assert (row.user, row.name) == (ada.user, "farm wall")
    assert key not in later
    assert f"kiwc_{row.prefix}_…" in later


def test_a_key_without_a_name_is_refused_on_its_field(client, person):
    _signed_in(client, person)
    before = ApiKey.objects.count()

    response = client.post("/accounts/keys", {"name": "  "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert ApiKey.objects.count() == before


def test_revoking_closes_the_key_and_nobody_revokes_anothers(client, person):
    ada = _signed_in(client, person, "ada", "operators")
    bob = person("bob", "operators")

    others = client.post(f"/accounts/keys/{bob.key_row.pk}/revoke")
    own = client.post(f"/accounts/keys/{ada.key_row.pk}/revoke")

    assert others.status_code == 404
    assert own.status_code == 302
    assert api_key_find(ada.key) is None
    assert api_key_find(bob.key) is not None
    assert client.post("/api/printers/demo/actions/restart", **ada.bearer).status_code == 403


def test_the_account_page_needs_a_sign_in(client):
    assert client.get("/accounts/")["Location"] == "/accounts/sign-in?next=/accounts/"
    assert client.post("/accounts/keys", {"name": "x"}).status_code == 302
    assert ApiKey.objects.count() == 0
