"""Errors under /api/ are JSON {"detail": ...}, never HTML, in both modes."""

import pytest
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from klipperiwc_site.urls import urlpatterns as site_urlpatterns


class _EchoSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1)


class _EchoView(APIView):
    def post(self, request):
        serializer = _EchoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


def _explode(request):
    raise RuntimeError("boom")


urlpatterns = [
    *site_urlpatterns,
    path("api/test-echo", _EchoView.as_view()),
    path("api/test-explode", _explode),
]


@pytest.fixture(params=["production", "development"])
def mode(request, settings):
    settings.DEBUG = request.param == "development"
    settings.ROOT_URLCONF = __name__
    return request.param


@pytest.mark.django_db
def test_unknown_api_path_is_a_json_404(client, mode):
    response = client.get("/api/no-such-thing", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_wrong_method_is_a_json_405(client, mode):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}


@pytest.mark.django_db
def test_bad_input_names_the_field(client, mode):
    response = client.post("/api/test-echo", {"count": 0}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid input: count."
    assert body["count"] == ["Ensure this value is greater than or equal to 1."]


@pytest.mark.django_db
def test_malformed_json_is_a_json_400(client, mode):
    response = client.post("/api/test-echo", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


@pytest.mark.django_db
def test_an_unhandled_error_is_a_json_500_without_internals(mode, settings):
    from django.test import Client

    client = Client(raise_request_exception=False)
    response = client.get("/api/test-explode")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Internal server error."}
    assert b"boom" not in response.content


@pytest.mark.django_db
def test_pages_outside_the_api_keep_html_errors(client, mode):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
