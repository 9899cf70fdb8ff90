import sys

from django.views import defaults
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from klipperiwc_site.health import health_report
from klipperiwc_site.middleware import JSON_PREFIXES, database_unavailable, json_error
from klipperiwc_site.outages import DATABASE_OUTAGE_ERRORS

_health_shape = inline_serializer(
    name="Health",
    fields={
        "status": serializers.ChoiceField(choices=["ok", "unavailable"]),
        "database": serializers.ChoiceField(choices=["ok", "unavailable"]),
        "redis": serializers.ChoiceField(
            choices=["ok", "unavailable"], required=False, help_text="Only when REDIS_URL is set."
        ),
        "storage": serializers.ChoiceField(
            choices=["ok", "unavailable"],
            help_text="The board-asset store: the local folder can be written, or the S3 bucket answers.",
        ),
    },
)


class HealthView(APIView):
    authentication_classes = []
    permission_classes = []

    @extend_schema(
        summary="Service health",
        description="200 when every part the service needs answers; 503 naming the part that does not.",
        responses={200: _health_shape, 503: _health_shape},
        tags=["service"],
    )
    def get(self, request):
        healthy, report = health_report()
        code = status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE
        return Response(report, status=code, headers={"Cache-Control": "no-store"})


def server_error(request):
    """handler500: the last stop of an exception no view or middleware answered.

    DatabaseUnavailableMiddleware sees only what views raise. A database
    error raised by a middleware (a session saved after the view, say) comes
    here instead, still being handled, and is the same 503.
    """
    exception = sys.exception()
    if isinstance(exception, DATABASE_OUTAGE_ERRORS):
        return database_unavailable(request, exception)
    if request.path.startswith(JSON_PREFIXES):
        return json_error(500)
    return defaults.server_error(request)
