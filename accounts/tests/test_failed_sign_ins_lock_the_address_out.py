"""Wrong passwords on the site's sign-in page count towards the guessing limit: then 429, even the right one."""

import pytest

pytestmark = pytest.mark.django_db


def test_after_the_limit_every_sign_in_is_429_with_retry_after(client, settings, person):
    settings.AUTH_FAILURE_LIMIT = 3
    person("ada")

    answers = [client.post("/accounts/sign-in", {"username": "ada", "password": f"guess-{n}"}) for n in range(3)]
    right = client.post("/accounts/sign-in", {"username": "ada", "password": "a-long-password-for-tests"})

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert right.status_code == 429
    assert int(right["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_and_a_wrong_key_share_one_counter(client, settings, person):
    settings.AUTH_FAILURE_LIMIT = 2
    ada = person("ada", "operators")

    client.post("/accounts/sign-in", {"username": "ada", "password": "guess"})
    key_guess = client.post(
        "/api/printers/demo/actions/restart", HTTP_AUTHORIZATION=f"Bearer kiwc_{ada.key_row.prefix}_guess"
    )

    assert key_guess.status_code == 429
