"""Tokens are compared with hmac.compare_digest, never with ==."""

from unittest import mock

from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from klipperiwc_site import tokens

Guard = tokens.header_token_permission(header="X-Test-Key", setting="TEST_HEADER_TOKEN", realm="test")


class GuardedView(APIView):
    authentication_classes: list = []
    permission_classes = [Guard]

    def get(self, request):
        return Response({"ok": True})


def test_the_permission_compares_with_compare_digest(settings):
    settings.TEST_HEADER_TOKEN = "configured-token"
    with mock.patch.object(tokens.hmac, "compare_digest", wraps=tokens.hmac.compare_digest) as compare:
        wrong = GuardedView.as_view()(APIRequestFactory().get("/", HTTP_X_TEST_KEY="presented-token"))
        right = GuardedView.as_view()(APIRequestFactory().get("/", HTTP_X_TEST_KEY="configured-token"))

    assert (wrong.status_code, right.status_code) == (403, 200)
    assert compare.call_args_list == [
        mock.call(b"presented-token", b"configured-token"),
        mock.call(b"configured-token", b"configured-token"),
    ]


def test_a_forced_mismatch_is_refused_even_for_equal_strings(settings):
    # If the check used == anywhere, equal strings would pass whatever compare_digest says.
    settings.TEST_HEADER_TOKEN = "configured-token"
    with mock.patch.object(tokens.hmac, "compare_digest", return_value=False):
        response = GuardedView.as_view()(APIRequestFactory().get("/", HTTP_X_TEST_KEY="configured-token"))

    assert response.status_code == 403


def test_token_matches_refuses_empty_and_missing_tokens():
    assert tokens.token_matches("a", "a")
    assert not tokens.token_matches("", "")
    assert not tokens.token_matches(None, "a")
    assert not tokens.token_matches("a", "")
    assert not tokens.token_matches("a", None)
