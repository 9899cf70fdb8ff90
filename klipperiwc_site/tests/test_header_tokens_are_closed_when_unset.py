"""A header token whose setting is empty closes its endpoint (503), whatever the request sends."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from klipperiwc_site.tokens import header_token_permission

Guard = header_token_permission(header="X-Test-Key", setting="TEST_HEADER_TOKEN", realm="test", what="The test API")


class GuardedView(APIView):
    authentication_classes: list = []
    permission_classes = [Guard]

    def get(self, request):
        return Response({"ok": True})


@pytest.mark.parametrize("configured", ["", None])
@pytest.mark.parametrize("sent", [None, "", "anything"])
def test_an_unset_token_is_a_503_naming_the_setting(settings, configured, sent):
    settings.TEST_HEADER_TOKEN = configured
    headers = {} if sent is None else {"HTTP_X_TEST_KEY": sent}

    response = GuardedView.as_view()(APIRequestFactory().get("/", **headers))

    assert response.status_code == 503
    assert response.data["detail"] == "The test API is not configured on this server (TEST_HEADER_TOKEN is not set)."


def test_a_setting_that_does_not_exist_is_closed_too(settings):
    if hasattr(settings, "TEST_HEADER_TOKEN"):
        del settings.TEST_HEADER_TOKEN

    response = GuardedView.as_view()(APIRequestFactory().get("/", HTTP_X_TEST_KEY="x"))

    assert response.status_code == 503
    assert "is not configured" in response.data["detail"]


def test_the_setting_is_read_on_each_request(settings):
    settings.TEST_HEADER_TOKEN = ""
    assert GuardedView.as_view()(APIRequestFactory().get("/", HTTP_X_TEST_KEY="t1")).status_code == 503

    settings.TEST_HEADER_TOKEN = "t1"
    assert GuardedView.as_view()(APIRequestFactory().get("/", HTTP_X_TEST_KEY="t1")).status_code == 200
