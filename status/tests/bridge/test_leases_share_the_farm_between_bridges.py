"""Leases: fair shares, no printer held twice, takeover after expiry, disabled printers given back."""

from datetime import timedelta

import pytest

from status.bridge.leases import HolderInUse, leases_give_back, leases_release, leases_sync
from status.models import BridgeLease, Printer
from status.tests.factories import T0, make_printer

pytestmark = pytest.mark.django_db


@pytest.fixture
def farm(settings):
    settings.BRIDGE_LEASE_SECONDS = 15
    Printer.objects.all().delete()
    return [make_printer(f"farm-{n}") for n in range(6)]


def test_one_bridge_follows_every_enabled_printer(farm):
    Printer.objects.filter(slug="farm-5").update(enabled=False)
    round_ = leases_sync(holder="a", started_at=T0, now=T0)
    assert sorted(p.slug for p in round_.printers.values()) == [f"farm-{n}" for n in range(5)]


def test_a_second_bridge_gets_half_and_none_is_held_twice(farm):
    leases_sync(holder="a", started_at=T0, now=T0)
    leases_sync(holder="b", started_at=T0, now=T0 + timedelta(seconds=1))  # b is alive, but nothing is free
    a = leases_sync(holder="a", started_at=T0, now=T0 + timedelta(seconds=2))  # a names 3 extra ...
    assert len(a.extra) == 3
    # ... which stay a's until it has stopped following them and gives them back.
    assert leases_sync(holder="b", started_at=T0, now=T0 + timedelta(seconds=2.5)).printers == {}
    assert leases_give_back(holder="a", printer_ids=a.extra) == 3
    b = leases_sync(holder="b", started_at=T0, now=T0 + timedelta(seconds=3))  # b claims them
    assert len(a.printers) == len(b.printers) == 3
    assert not set(a.printers) & set(b.printers)
    assert BridgeLease.objects.count() == 6


def test_a_dead_bridges_printers_are_taken_over_after_the_lease(farm):
    leases_sync(holder="a", started_at=T0, now=T0)
    early = leases_sync(holder="b", started_at=T0, now=T0 + timedelta(seconds=10))
    assert early.printers == {}
    late = leases_sync(holder="b", started_at=T0, now=T0 + timedelta(seconds=16))
    assert len(late.printers) == 6
    assert set(BridgeLease.objects.values_list("holder", flat=True)) == {"b"}


def test_a_live_bridge_keeps_its_printers_long_past_one_lease(farm):
    for second in range(0, 120, 5):
        assert len(leases_sync(holder="a", started_at=T0, now=T0 + timedelta(seconds=second)).printers) == 6
    assert set(BridgeLease.objects.values_list("holder", flat=True)) == {"a"}


def test_a_disabled_printer_is_given_back(farm):
    leases_sync(holder="a", started_at=T0, now=T0)
    Printer.objects.filter(slug="farm-0").update(enabled=False)
    round_ = leases_sync(holder="a", started_at=T0, now=T0 + timedelta(seconds=1))
    assert "farm-0" not in {p.slug for p in round_.printers.values()}
    assert not BridgeLease.objects.filter(printer__slug="farm-0").exists()


def test_a_clean_stop_gives_everything_back_at_once(farm):
    leases_sync(holder="a", started_at=T0, now=T0)
    assert leases_release(holder="a") == 6
    assert len(leases_sync(holder="b", started_at=T0, now=T0 + timedelta(seconds=1)).printers) == 6


def test_a_second_bridge_under_a_live_bridges_name_is_refused(farm):
    leases_sync(holder="a", started_at=T0, now=T0)
    with pytest.raises(HolderInUse):
        leases_sync(holder="a", started_at=T0 + timedelta(seconds=1), now=T0 + timedelta(seconds=1))
    # Once the first is gone (no heartbeat for a lease), the name is free again.
    later = T0 + timedelta(seconds=20)
    assert len(leases_sync(holder="a", started_at=later, now=later).printers) == 6


def test_lease_times_come_from_the_database_clock(farm):
    from django.utils import timezone

    from status.bridge.leases import database_now

    assert abs((database_now() - timezone.now()).total_seconds()) < 5
