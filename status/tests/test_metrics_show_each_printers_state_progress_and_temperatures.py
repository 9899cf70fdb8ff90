"""/metrics reads each printer's latest status and bridge connection when scraped (any process may have made it)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from klipperiwc_site import metrics
from klipperiwc_site.tests.metrics_scrape import scrape, value
from status.models import PrinterConnection
from status.services import LatestStatus, latest_keep_many
from status.tests.factories import make_printer, make_status

pytestmark = pytest.mark.django_db


def test_state_progress_temperatures_and_connection_per_printer(client):
    now = timezone.now()
    printing = make_printer("mk-metrics", source_kind="moonraker", moonraker_url="http://127.0.0.1:7125")
    latest_keep_many(entries={printing.pk: LatestStatus(status=make_status(now), reported_at=now)})
    PrinterConnection.objects.create(printer=printing, state="connected", since=now, bridge="")
    make_printer("off-metrics", source_kind="moonraker", moonraker_url="http://127.0.0.1:7126", enabled=False)

    samples = scrape(client)

    assert value(samples, "klipperiwc_printer_metrics_up") == 1
    state = "klipperiwc_printer_state"
    assert value(samples, state, printer="mk-metrics", state="printing") == 1
    assert value(samples, state, printer="mk-metrics", state="idle") == 0
    assert ("klipperiwc_printer_state", frozenset({"printer": "mk-metrics", "state": "idle"}.items())) in samples
    assert value(samples, state, printer="off-metrics", state="offline") == 1
    assert value(samples, "klipperiwc_printer_job_progress_ratio", printer="mk-metrics") == 0.5
    temperature = "klipperiwc_printer_temperature_celsius"
    assert value(samples, temperature, printer="mk-metrics", component="extruder") == 210.0
    assert value(samples, temperature, printer="mk-metrics", component="chamber") == 30.0
    target = "klipperiwc_printer_temperature_target_celsius"
    assert value(samples, target, printer="mk-metrics", component="heater_bed") == 60.0
    assert (target, frozenset({"printer": "mk-metrics", "component": "chamber"}.items())) not in samples
    link = "klipperiwc_bridge_connection_state"
    assert value(samples, link, printer="mk-metrics", state="connected") == 1
    assert value(samples, link, printer="mk-metrics", state="unreachable") == 0
    assert value(samples, link, printer="off-metrics", state="disabled") == 1


def test_a_database_that_does_not_answer_leaves_the_rest_of_the_scrape(client):
    make_printer("mk-down", source_kind="moonraker", moonraker_url="http://127.0.0.1:7125")

    with mock.patch.object(metrics, "_printer_rows", side_effect=OperationalError("server closed the connection")):
        response = client.get("/metrics")

    assert response.status_code == 200
    text = response.content.decode()
    assert "klipperiwc_printer_metrics_up 0.0" in text
    assert "mk-down" not in text
    assert "klipperiwc_http_requests_total" in text
