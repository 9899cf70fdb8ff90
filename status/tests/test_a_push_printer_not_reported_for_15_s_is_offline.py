"""GET /api/status for a Moonraker printer answers from the latest status, offline once the bridge is silent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from status.models import Printer
from status.services import LatestStatus, latest_keep_many
from status.tests.factories import make_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def moonraker(db):
    # Port 9 on loopback: nothing listens; a request to it would fail the answers below.
    return Printer.objects.create(
        slug="mk4", name="MK4", source_kind="moonraker", moonraker_url="http://127.0.0.1:9", api_key="x" * 32
    )


def test_it_answers_from_the_latest_status(client, moonraker, settings):
    settings.STATUS_STALE_SECONDS = 15
    now = timezone.now()
    latest_keep_many(entries={moonraker.pk: LatestStatus(status=make_status(now), reported_at=now)})
    body = client.get("/api/status?printer=mk4").json()
    assert body["state"] == "printing"
    assert body["active_job"]["name"] == "cube.gcode"
    assert [j["id"] for j in client.get("/api/jobs?printer=mk4").json()] == ["job-1", "q-0", "q-1"]
    assert len(client.get("/api/temperatures?printer=mk4").json()) == 3


def test_a_printer_not_reported_for_15_seconds_is_offline_saying_since_when(client, moonraker, settings):
    settings.STATUS_STALE_SECONDS = 15
    then = timezone.now() - timedelta(seconds=16)
    latest_keep_many(entries={moonraker.pk: LatestStatus(status=make_status(then), reported_at=then)})
    body = client.get("/api/status?printer=mk4").json()
    assert body["state"] == "offline"
    assert then.isoformat() in body["message"]
    assert body["active_job"] is None
    assert client.get("/api/jobs?printer=mk4").json() == []


def test_a_printer_never_reported_is_offline(client, moonraker):
    body = client.get("/api/status?printer=mk4").json()
    assert body["state"] == "offline"
    assert "no status from the bridge" in body["message"].lower()


def test_without_the_cache_the_newest_stored_snapshot_answers(client, moonraker, settings):
    from django.core.cache import cache

    from status.services import snapshot_record

    settings.STATUS_STALE_SECONDS = 15
    now = timezone.now()
    snapshot_record(printer=moonraker, status=make_status(now, state="paused"), broadcast=False)
    cache.clear()
    assert client.get("/api/status?printer=mk4").json()["state"] == "paused"
