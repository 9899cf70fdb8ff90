"""A cookie holding a NUL character (written \\000 in a quoted cookie) is ignored: no DataError 500 on PostgreSQL."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

NUL_COOKIES = 'sessionid="\\000abcdefghijk"; csrftoken="\\000abc"; other="\\000"'


@pytest.mark.parametrize("url", ["/admin/login/", "/admin/", "/", "/api/status", "/api/board-assets/"])
def test_pages_answer_as_if_the_cookie_was_not_sent(client, url):
    response = client.get(url, HTTP_COOKIE=NUL_COOKIES)
    assert response.status_code in (200, 302), response.status_code


def test_signing_in_works_beside_such_a_cookie(client):
    User.objects.create_superuser("admin", "admin@example.org", "a long password")
    client.cookies.load(NUL_COOKIES)
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "a long password"})
    assert response.status_code == 302, response.content[:300]
    assert client.get("/admin/").status_code == 200
