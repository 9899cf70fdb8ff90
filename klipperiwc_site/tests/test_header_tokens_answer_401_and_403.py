"""No token header is a 401 with a challenge naming it; a wrong one a 403; the right one passes."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from klipperiwc_site.tokens import header_token_permission

TOKEN = "the-right-token-0123456789"
Guard = header_token_permission(header="X-Test-Key", setting="TEST_HEADER_TOKEN", realm="test-realm")


class GuardedView(APIView):
    authentication_classes: list = []
    permission_classes = [Guard]

    def get(self, request):
        return Response({"ok": True})


@pytest.fixture(autouse=True)
def _token(settings):
    settings.TEST_HEADER_TOKEN = TOKEN


def call(**headers):
    return GuardedView.as_view()(APIRequestFactory().get("/", **headers))


@pytest.mark.parametrize("headers", [{}, {"HTTP_X_TEST_KEY": ""}], ids=["absent", "empty"])
def test_no_token_is_a_401_with_a_challenge(headers):
    response = call(**headers)

    assert response.status_code == 401
    assert response.data["detail"] == "This endpoint needs the X-Test-Key header."
    assert response["WWW-Authenticate"] == 'Token realm="test-realm", header="X-Test-Key"'


@pytest.mark.parametrize(
    "sent",
    [TOKEN[:-1], TOKEN + "x", TOKEN.upper(), " " + TOKEN, "é" + TOKEN[1:], "\udcff"],
    ids=["short", "long", "case", "space", "non-ascii", "surrogate"],
)
def test_a_wrong_token_is_a_403(sent):
    response = call(HTTP_X_TEST_KEY=sent)

    assert response.status_code == 403
    assert response.data["detail"] == "The X-Test-Key header does not hold a valid token for this endpoint."
    assert "WWW-Authenticate" not in response


def test_the_right_token_passes():
    response = call(HTTP_X_TEST_KEY=TOKEN)

    assert response.status_code == 200
    assert response.data == {"ok": True}


def test_another_header_holding_the_token_does_not_count():
    assert call(HTTP_X_OTHER_KEY=TOKEN, HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 401
