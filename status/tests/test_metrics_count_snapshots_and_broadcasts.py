"""Storing status snapshots and broadcasting them count in /metrics (the real channel layer of the mode)."""

import pytest
from django.utils import timezone

from klipperiwc_site.tests.metrics_scrape import scrape, value
from status.services import snapshots_record
from status.tests.factories import make_printer, make_status


@pytest.mark.django_db
def test_stored_snapshots_and_their_broadcast_are_counted(client, django_capture_on_commit_callbacks):
    first, second = make_printer("metrics-a"), make_printer("metrics-b")
    before = scrape(client)

    with django_capture_on_commit_callbacks(execute=True):
        snapshots_record(items=[(first, make_status(timezone.now())), (second, make_status(timezone.now()))])
    snapshots_record(items=[(first, make_status(timezone.now()))], broadcast=False)

    after = scrape(client)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("klipperiwc_status_snapshots_stored_total") == 3
    # One group send carrying both statuses; the second write was not broadcast.
    assert moved("klipperiwc_broadcasts_total", outcome="sent") == 1
    assert moved("klipperiwc_broadcast_messages_total") == 2
    assert moved("klipperiwc_broadcasts_total", outcome="failed") == 0
