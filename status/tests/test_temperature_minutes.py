"""Per-minute temperature rows: kept up to date on write, used for long chart ranges, pruned."""

from datetime import timedelta

import pytest

from status.models import TemperatureMinute
from status.services import history_prune, snapshot_record
from status.tests.factories import T0, make_printer, make_status

pytestmark = pytest.mark.django_db


def record(printer, second, extruder, target=215.0):
    temps = {"extruder": (extruder, target)}
    snapshot_record(printer=printer, status=make_status(T0 + timedelta(seconds=second), temps=temps))


def test_readings_fold_into_their_minute():
    printer = make_printer()
    record(printer, 5, 200.0, target=200.0)
    record(printer, 50, 210.0, target=215.0)
    record(printer, 20, 190.0, target=205.0)  # arrives late: not the minute's last target
    record(printer, 65, 220.0)
    first, second = TemperatureMinute.objects.filter(printer=printer).order_by("minute")
    assert first.minute == T0
    assert (first.samples, first.total, first.low, first.high, first.last_target) == (3, 600.0, 190.0, 210.0, 215.0)
    assert first.last_at == T0 + timedelta(seconds=50)
    assert (second.minute, second.samples, second.low) == (T0 + timedelta(minutes=1), 1, 220.0)


def test_long_ranges_are_answered_from_the_minutes(client):
    """Ten minutes, one reading every 30 s: 100, 101, ... 119. Five buckets of two minutes."""
    printer = make_printer()
    for n in range(20):
        record(printer, 30 * n, 100.0 + n, target=150.0 if n < 10 else 160.0)
    TemperatureMinute.objects.filter(printer=printer).update(total=0)  # proves the minutes are read
    body = client.get(
        "/api/history/temperatures",
        {
            "printer": printer.slug,
            "since": T0.isoformat(),
            "until": (T0 + timedelta(minutes=10)).isoformat(),
            "points": 5,
        },
    ).json()
    buckets = body["series"]["extruder"]
    assert [(b["samples"], b["min"], b["max"], b["target"]) for b in buckets] == [
        (4, 100.0, 103.0, 150.0),
        (4, 104.0, 107.0, 150.0),
        (4, 108.0, 111.0, 160.0),
        (4, 112.0, 115.0, 160.0),
        (4, 116.0, 119.0, 160.0),
    ]
    assert [b["avg"] for b in buckets] == [0.0] * 5


def test_averages_from_minutes_match_the_samples(client):
    printer = make_printer()
    for n in range(20):
        record(printer, 30 * n, 100.0 + n)
    body = client.get(
        "/api/history/temperatures",
        {
            "printer": printer.slug,
            "since": T0.isoformat(),
            "until": (T0 + timedelta(minutes=10)).isoformat(),
            "points": 5,
        },
    ).json()
    assert [b["avg"] for b in body["series"]["extruder"]] == [101.5, 105.5, 109.5, 113.5, 117.5]


def test_the_prune_removes_old_minutes(settings):
    from django.utils import timezone

    printer = make_printer()
    now = timezone.now()
    snapshot_record(printer=printer, status=make_status(now - timedelta(days=40)))
    snapshot_record(printer=printer, status=make_status(now - timedelta(hours=1)))
    result = history_prune(older_than_days=30)
    assert result.temperature_history_minute == 3
    assert TemperatureMinute.objects.count() == 3
