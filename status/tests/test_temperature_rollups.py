"""Temperature rollups: kept up to date on write, used for long chart ranges, pruned."""

from datetime import timedelta

import pytest
from django.utils import timezone

from status.models import ROLLUP_RESOLUTIONS, TemperatureRollup
from status.services import history_prune, snapshot_record
from status.tests.factories import T0, make_printer, make_status

pytestmark = pytest.mark.django_db


def record(printer, second, extruder, target=215.0):
    temps = {"extruder": (extruder, target)}
    snapshot_record(printer=printer, status=make_status(T0 + timedelta(seconds=second), temps=temps))


def test_readings_fold_into_their_slot_at_every_resolution():
    printer = make_printer()
    record(printer, 5, 200.0, target=200.0)
    record(printer, 50, 210.0, target=215.0)
    record(printer, 20, 190.0, target=205.0)  # arrives late: not the slot's last target
    record(printer, 65, 220.0)
    minutes = TemperatureRollup.objects.filter(printer=printer, resolution=60).order_by("start")
    first, second = minutes
    assert first.start == T0
    assert (first.samples, first.total, first.low, first.high, first.last_target) == (3, 600.0, 190.0, 210.0, 215.0)
    assert first.last_at == T0 + timedelta(seconds=50)
    assert (second.start, second.samples, second.low) == (T0 + timedelta(minutes=1), 1, 220.0)
    for resolution in (600, 3600):
        (slot,) = TemperatureRollup.objects.filter(printer=printer, resolution=resolution)
        assert (slot.start, slot.samples, slot.low, slot.high, slot.total) == (T0, 4, 190.0, 220.0, 820.0)
    assert sorted({r.resolution for r in TemperatureRollup.objects.all()}) == list(ROLLUP_RESOLUTIONS)


def chart(client, printer, minutes, points):
    return client.get(
        "/api/history/temperatures",
        {
            "printer": printer.slug,
            "since": T0.isoformat(),
            "until": (T0 + timedelta(minutes=minutes)).isoformat(),
            "points": points,
        },
    ).json()["series"]["extruder"]


def test_long_ranges_are_answered_from_the_minute_rollups(client):
    """Ten minutes, one reading every 30 s: 100, 101, ... 119. Five buckets of two minutes."""
    printer = make_printer()
    for n in range(20):
        record(printer, 30 * n, 100.0 + n, target=150.0 if n < 10 else 160.0)
    TemperatureRollup.objects.filter(printer=printer, resolution=60).update(total=0)  # proves which rows are read
    buckets = chart(client, printer, minutes=10, points=5)
    assert [(b["samples"], b["min"], b["max"], b["target"]) for b in buckets] == [
        (4, 100.0, 103.0, 150.0),
        (4, 104.0, 107.0, 150.0),
        (4, 108.0, 111.0, 160.0),
        (4, 112.0, 115.0, 160.0),
        (4, 116.0, 119.0, 160.0),
    ]
    assert [b["avg"] for b in buckets] == [0.0] * 5


def test_averages_from_rollups_match_the_samples(client):
    printer = make_printer()
    for n in range(20):
        record(printer, 30 * n, 100.0 + n)
    buckets = chart(client, printer, minutes=10, points=5)
    assert [b["avg"] for b in buckets] == [101.5, 105.5, 109.5, 113.5, 117.5]


def test_the_coarsest_fitting_resolution_is_read(client):
    """Two hours, a reading every 5 minutes; 2 buckets of an hour read the hourly slots."""
    printer = make_printer()
    for n in range(24):
        record(printer, 300 * n, float(n))
    TemperatureRollup.objects.filter(printer=printer).exclude(resolution=3600).delete()
    buckets = chart(client, printer, minutes=120, points=2)
    assert [(b["samples"], b["min"], b["max"], b["avg"]) for b in buckets] == [
        (12, 0.0, 11.0, 5.5),
        (12, 12.0, 23.0, 17.5),
    ]


def test_the_prune_removes_old_rollups():
    printer = make_printer()
    now = timezone.now()
    snapshot_record(printer=printer, status=make_status(now - timedelta(days=40)))
    snapshot_record(printer=printer, status=make_status(now - timedelta(hours=2)))
    result = history_prune(older_than_days=30)
    per_snapshot = 3 * len(ROLLUP_RESOLUTIONS)  # 3 components, every resolution
    assert result.temperature_history_rollup == per_snapshot
    assert TemperatureRollup.objects.count() == per_snapshot
