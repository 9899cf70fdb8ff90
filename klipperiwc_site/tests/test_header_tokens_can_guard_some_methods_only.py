"""methods= checks the token on those methods only: a public GET beside a guarded PATCH."""

from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from klipperiwc_site.tokens import header_token_permission

Guard = header_token_permission(
    header="X-Test-Key", setting="TEST_HEADER_TOKEN", realm="test", methods={"patch", "DELETE"}
)


class HalfGuardedView(APIView):
    authentication_classes: list = []
    permission_classes = [Guard]

    def get(self, request):
        return Response({"read": True})

    def patch(self, request):
        return Response({"changed": True})

    def delete(self, request):
        return Response(status=204)


def test_only_the_named_methods_need_the_token(settings):
    settings.TEST_HEADER_TOKEN = "token"
    view, factory = HalfGuardedView.as_view(), APIRequestFactory()

    assert view(factory.get("/")).status_code == 200
    assert view(factory.patch("/", {}, format="json")).status_code == 401
    assert view(factory.delete("/", HTTP_X_TEST_KEY="wrong")).status_code == 403
    assert view(factory.patch("/", {}, format="json", HTTP_X_TEST_KEY="token")).status_code == 200


def test_an_unset_token_closes_only_the_named_methods(settings):
    settings.TEST_HEADER_TOKEN = ""
    view, factory = HalfGuardedView.as_view(), APIRequestFactory()

    assert view(factory.get("/")).status_code == 200
    assert view(factory.delete("/", HTTP_X_TEST_KEY="token")).status_code == 503


def test_each_permission_class_has_its_own_name():
    other = header_token_permission(header="X-Other", setting="OTHER_TOKEN", realm="other")

    assert Guard is not other
    assert Guard.__name__ == "HeaderToken_TEST_HEADER_TOKEN"
    assert other.token_header == "X-Other"


def test_a_method_the_view_does_not_answer_is_a_405_not_a_401(settings):
    settings.TEST_HEADER_TOKEN = "token"
    everything = header_token_permission(header="X-Test-Key", setting="TEST_HEADER_TOKEN", realm="test")

    class GetOnly(APIView):
        authentication_classes: list = []
        permission_classes = [everything]

        def get(self, request):
            return Response({})

    view, factory = GetOnly.as_view(), APIRequestFactory()
    assert view(factory.put("/", {}, format="json")).status_code == 405
    assert view(factory.get("/")).status_code == 401
