"""With METRICS_TOKEN set, /metrics needs Authorization: Bearer <token> (401 / 403 in JSON); unset it is open."""

from unittest import mock

import pytest

from klipperiwc_site import tokens
from klipperiwc_site.tests.metrics_scrape import parse

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


def test_without_metrics_token_it_is_open(client, settings):
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics")

    assert response.status_code == 200
    assert parse(response.content.decode())


def test_no_header_is_a_401_naming_the_scheme(client, settings):
    settings.METRICS_TOKEN = TOKEN

    for headers in ({}, {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}, {"HTTP_AUTHORIZATION": "Bearer"}):
        response = client.get("/metrics", **headers)
        assert response.status_code == 401, headers
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert "Authorization: Bearer" in response.json()["detail"]


def test_a_wrong_token_is_a_403_that_echoes_neither_token(client, settings):
    settings.METRICS_TOKEN = TOKEN

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token-0123456789abcdef")

    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert TOKEN not in response.content.decode()
    assert "wrong-token" not in response.content.decode()


def test_the_right_token_gets_the_metrics_compared_in_constant_time(client, settings):
    settings.METRICS_TOKEN = TOKEN

    with mock.patch.object(tokens.hmac, "compare_digest", wraps=tokens.hmac.compare_digest) as compare:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert "klipperiwc_http_requests_total" in response.content.decode()
    assert compare.call_args_list == [mock.call(TOKEN.encode(), TOKEN.encode())]


def test_a_forced_mismatch_is_refused_even_for_the_right_token(client, settings):
    # If the check compared with == anywhere, the right token would pass whatever compare_digest says.
    settings.METRICS_TOKEN = TOKEN

    with mock.patch.object(tokens.hmac, "compare_digest", return_value=False):
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 403
