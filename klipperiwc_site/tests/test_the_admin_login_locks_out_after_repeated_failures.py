"""Wrong admin passwords through the real login form lock the client address out: the
AUTH_FAILURE_LIMIT-th answers a 429 page with Retry-After, and while locked even the right
password signs nobody in; another address still signs in."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LIMIT = 5
PASSWORD = "the-right-admin-password-42"


def login(client: Client, password: str):
    form = client.get("/admin/login/")
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())
    assert found, "the login form has no CSRF token"
    csrf = found.group(1)
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": password, "csrfmiddlewaretoken": csrf, "next": "/admin/"},
    )


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_repeated_wrong_passwords_lock_the_login(django_user_model, settings):
    settings.AUTH_FAILURE_LIMIT = LIMIT
    settings.AUTH_LOCKOUT_SECONDS = 600
    # A fast hasher: this test is about counting failures, not about hashing (seconds per login here).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    guesser = Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.10")

    for number in range(LIMIT - 1):
        wrong = login(guesser, f"guess-{number}")
        assert wrong.status_code == 200
        assert "Please enter the correct username and password" in wrong.content.decode()

    locked = login(guesser, f"guess-{LIMIT}")
    assert locked.status_code == 429
    assert 1 <= int(locked["Retry-After"]) <= 600
    page = locked.content.decode()
    assert "Too many failed attempts" in page
    assert "10 minutes" in page

    right = login(guesser, PASSWORD)
    assert right.status_code == 429
    assert not signed_in(guesser)

    owner = Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.99")
    assert login(owner, PASSWORD).status_code == 302
    assert signed_in(owner)
