"""Status API: thin views over status.services and status.selectors."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from klipperiwc_site.api import ErrorSerializer, UTCDateTimeField, iso_utc
from klipperiwc_site.openapi import DATABASE_DOWN, PUBLIC
from status import selectors
from status.api.params import int_param, printer_param, time_range
from status.api.serializers import JobSerializer, StatusSerializer, TemperatureSerializer
from status.models import JobStatus, PrinterState, StatusSnapshot
from status.payloads import job_payload, status_payload, temperature_payload

PRINTER_PARAM = OpenApiParameter(
    "printer", str, description="Printer slug (default: demo); GET /api/printers/ lists them."
)
SINCE_PARAM = OpenApiParameter("since", OpenApiTypes.DATETIME, description="ISO 8601, inclusive; before until.")
UNTIL_PARAM = OpenApiParameter("until", OpenApiTypes.DATETIME, description="ISO 8601, inclusive.")
NO_PRINTER = OpenApiResponse(ErrorSerializer, description="No printer with that slug.")
UNAVAILABLE = OpenApiResponse(ErrorSerializer, description=DATABASE_DOWN)
BAD_RANGE = OpenApiResponse(
    ErrorSerializer, description="since or until is not an ISO 8601 date-time, out of range, or since >= until."
)


class _CaptureView(APIView):
    """Answers with the printer's current status (selectors.status_current: the demo printer's is
    computed and ingested now, a Moonraker printer's is the latest the bridge collected)."""

    # Public, read-only endpoints polled often: no session lookup, no permission round.
    authentication_classes: list = []
    permission_classes: list = []

    def capture(self, request):
        return selectors.status_current(printer=printer_param(request))


class StatusView(_CaptureView):
    @extend_schema(
        summary="Current printer status",
        parameters=[PRINTER_PARAM],
        responses={200: StatusSerializer, 404: NO_PRINTER, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["status"],
    )
    def get(self, request):
        printer = printer_param(request)
        return Response(status_payload(printer=printer, status=selectors.status_current(printer=printer)))


class JobsView(_CaptureView):
    @extend_schema(
        summary="Active job first, then the queue",
        parameters=[PRINTER_PARAM],
        responses={200: JobSerializer(many=True), 404: NO_PRINTER, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["status"],
    )
    def get(self, request):
        status = self.capture(request)
        jobs = ([status.active_job] if status.active_job else []) + list(status.queued_jobs)
        return Response([job_payload(job) for job in jobs])


class TemperaturesView(_CaptureView):
    @extend_schema(
        summary="Latest temperature readings",
        parameters=[PRINTER_PARAM],
        responses={200: TemperatureSerializer(many=True), 404: NO_PRINTER, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["status"],
    )
    def get(self, request):
        status = self.capture(request)
        return Response([temperature_payload(reading) for reading in status.temperatures])


class StatusHistorySerializer(serializers.ModelSerializer):
    recorded_at = UTCDateTimeField()
    state = serializers.ChoiceField(choices=PrinterState.choices)

    class Meta:
        model = StatusSnapshot
        fields = ["id", "recorded_at", "state", "message", "uptime_seconds"]


class StatusHistoryView(ListAPIView):
    serializer_class = StatusHistorySerializer

    def get_queryset(self):
        since, until = time_range(self.request)
        return selectors.status_history(printer=printer_param(self.request), since=since, until=until)

    @extend_schema(
        summary="Stored status snapshots, newest first",
        parameters=[PRINTER_PARAM, SINCE_PARAM, UNTIL_PARAM],
        responses={200: StatusHistorySerializer(many=True), 400: BAD_RANGE, 404: NO_PRINTER, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["history"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


_BUCKET_FIELDS: dict[str, serializers.Field] = dict(
    start=UTCDateTimeField(),
    end=UTCDateTimeField(),
    samples=serializers.IntegerField(),
    min=serializers.FloatField(),
    avg=serializers.FloatField(),
    max=serializers.FloatField(),
    target=serializers.FloatField(allow_null=True),
)


class TemperatureHistoryView(APIView):
    @extend_schema(
        summary="Temperature history in time buckets (min/avg/max, last target)",
        parameters=[
            PRINTER_PARAM,
            OpenApiParameter("component", str, description="Only this component (e.g. extruder)."),
            OpenApiParameter(
                "points",
                {"type": "integer", "minimum": 1, "maximum": 2000, "default": 200},
                description="Buckets per component, 1..2000 (default 200); anything else is a 400.",
            ),
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="ISO 8601, before until; default: 6 hours before until."
            ),
            OpenApiParameter("until", OpenApiTypes.DATETIME, description="ISO 8601; default: now."),
        ],
        responses={
            200: inline_serializer(
                "TemperatureHistory",
                {
                    "printer": serializers.SlugField(),
                    "since": UTCDateTimeField(),
                    "until": UTCDateTimeField(),
                    "points": serializers.IntegerField(),
                    "series": serializers.DictField(
                        child=inline_serializer("TemperatureBucket", _BUCKET_FIELDS, many=True),
                        help_text="Buckets per component, oldest first; empty buckets left out.",
                    ),
                },
            ),
            400: OpenApiResponse(ErrorSerializer, description=f"{BAD_RANGE.description} Or points outside 1..2000."),
            404: OpenApiResponse(
                ErrorSerializer, description="No printer with that slug, or the component has no readings."
            ),
            503: UNAVAILABLE,
        },
        auth=PUBLIC,
        tags=["history"],
    )
    def get(self, request):
        printer = printer_param(request)
        points = int_param(request, "points", default=200, minimum=1, maximum=2000)
        since, until = time_range(request, default_span=timedelta(hours=6))
        until = until or timezone.now()
        component = request.query_params.get("component") or None
        if component and not selectors.temperature_component_exists(printer=printer, component=component):
            raise NotFound(f"component={component!r} has no readings for printer {printer.slug!r}.")
        series = selectors.temperature_series(
            printer=printer, since=since, until=until, points=points, component=component
        )
        return Response(
            {
                "printer": printer.slug,
                "since": iso_utc(since),
                "until": iso_utc(until),
                "points": points,
                # Built by hand: up to 2000 buckets per component (asdict() and
                # serializer fields took most of the time of a month's chart).
                "series": {
                    name: [
                        {
                            "start": iso_utc(bucket.start),
                            "end": iso_utc(bucket.end),
                            "samples": bucket.samples,
                            "min": bucket.min,
                            "avg": bucket.avg,
                            "max": bucket.max,
                            "target": bucket.target,
                        }
                        for bucket in buckets
                    ]
                    for name, buckets in series.items()
                },
            }
        )


class JobHistoryRowSerializer(serializers.Serializer):
    id = serializers.CharField(source="job_id")
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = serializers.FloatField()
    started_at = UTCDateTimeField(allow_null=True)
    estimated_completion = UTCDateTimeField(allow_null=True)
    last_seen = UTCDateTimeField(source="recorded_at")


class JobStatisticsSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Jobs per last known status.")
    jobs = serializers.IntegerField()
    total_print_seconds = serializers.FloatField(help_text="Time jobs were seen running or paused.")


# Already a page (Pagination's fields plus the totals): spectacular must not wrap it in a second one.
@extend_schema_serializer(many=False)
class JobHistoryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = JobHistoryRowSerializer(many=True)
    statistics = JobStatisticsSerializer()


class JobHistoryView(ListAPIView):
    serializer_class = JobHistoryRowSerializer

    def get_queryset(self):
        return selectors.job_history(printer=printer_param(self.request))

    @extend_schema(
        summary="Each job once with its last known status, plus totals",
        parameters=[PRINTER_PARAM],
        responses={200: JobHistoryPageSerializer, 404: NO_PRINTER, 503: UNAVAILABLE},
        auth=PUBLIC,
        tags=["history"],
    )
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["statistics"] = selectors.job_statistics(printer=printer_param(request))
        return response
