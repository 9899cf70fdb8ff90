"""Sign-in, the user menu and sign-out on the site's own pages (not the admin's)."""

import pytest

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password-for-tests"


def test_the_sign_in_page_is_the_sites_and_asks_for_name_and_password(client):
    page = client.get("/accounts/sign-in").content.decode()

    assert 'class="site-header"' in page
    assert 'name="username"' in page
    assert 'name="password"' in page
    assert "Django administration" not in page


def test_signing_in_leads_to_the_account_page_and_the_menu_names_the_user(client, person):
    person("ada", "operators")

    signed_in = client.post("/accounts/sign-in", {"username": "ada", "password": PASSWORD})
    page = client.get("/").content.decode()
    account = client.get("/accounts/").content.decode()

    assert (signed_in.status_code, signed_in["Location"]) == (302, "/accounts/")
    assert 'data-testid="account-link"' in page
    assert ">ada</a>" in page
    assert '<span class="chip">operators</span>' in account


def test_a_wrong_password_stays_on_the_page_with_an_error(client, person):
    person("ada")

    response = client.post("/accounts/sign-in", {"username": "ada", "password": "wrong"})

    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_is_a_post_and_ends_the_session(client, person):
    person("ada")
    client.post("/accounts/sign-in", {"username": "ada", "password": PASSWORD})

    refused = client.get("/accounts/sign-out")
    signed_out = client.post("/accounts/sign-out")

    assert refused.status_code == 405  # a link someone else plants cannot sign you out
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/")["Location"].startswith("/accounts/sign-in?next=/accounts/")


def test_the_next_parameter_is_followed_only_within_the_site(client, person):
    person("ada")

    inside = client.post("/accounts/sign-in?next=/board-designer", {"username": "ada", "password": PASSWORD})
    client.post("/accounts/sign-out")
    outside = client.post("/accounts/sign-in?next=https://evil.example/", {"username": "ada", "password": PASSWORD})

    assert inside["Location"] == "/board-designer"
    assert outside["Location"] == "/accounts/"
