"""Neither the presented nor the configured token appears in an answer or a log line."""

import logging

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from klipperiwc_site.tokens import header_token_permission

CONFIGURED = "configured-secret-9f8e7d6c"
PRESENTED = "presented-secret-1a2b3c4d"
Guard = header_token_permission(header="X-Test-Key", setting="TEST_HEADER_TOKEN", realm="test")


class GuardedView(APIView):
    authentication_classes: list = []
    permission_classes = [Guard]

    def get(self, request):
        return Response({"ok": True})


@pytest.mark.parametrize(("configured", "sent"), [(CONFIGURED, PRESENTED), ("", PRESENTED), (CONFIGURED, None)])
def test_no_answer_or_log_line_holds_a_token(settings, caplog, configured, sent):
    settings.TEST_HEADER_TOKEN = configured
    headers = {} if sent is None else {"HTTP_X_TEST_KEY": sent}
    caplog.set_level(logging.DEBUG)

    response = GuardedView.as_view()(APIRequestFactory().get("/", **headers))
    response.render()

    assert response.status_code in (401, 403, 503)
    text = response.content.decode() + "".join(f"{k}: {v}" for k, v in response.items())
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    for secret in (CONFIGURED, PRESENTED):
        assert secret not in text
        assert secret not in logged
