"""Scaled mode with real Moonraker: two run_bridge processes, one killed; the other follows its printers."""

import time

import pytest

from status.tests.bridge.conftest import wait_for

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]

FOLLOWERS = (
    "SELECT p.slug, c.state, c.bridge FROM printer_connections c JOIN status_printer p ON p.id = c.printer_id "
    "WHERE p.source_kind = 'moonraker'"
)


def test_the_survivor_connects_to_the_dead_bridges_moonraker_printers(moonraker_printer, bridge_site):
    _env, db, start_bridge, run_django = bridge_site
    printers = [moonraker_printer(), moonraker_printer()]
    run_django(
        "from status.models import Printer\n"
        "Printer.objects.filter(slug='demo').update(enabled=False)\n"
        + "".join(
            f"Printer.objects.create(slug='mr-{n}', name='MR {n}', source_kind='moonraker', "
            f"moonraker_url={p.url!r}, api_key={p.api_key!r})\n"
            for n, p in enumerate(printers)
        )
    )
    first = start_bridge("first")
    start_bridge("second")

    def connected_by():
        rows = db.rows(FOLLOWERS)
        return {slug: bridge for slug, state, bridge in rows if state == "connected"}

    split = wait_for(
        lambda: (b := connected_by()) and len(b) == 2 and set(b.values()) == {"first", "second"} and b,
        timeout=20,
        what="one printer per bridge",
    )
    orphan = next(slug for slug, bridge in split.items() if bridge == "first")

    first.kill()
    killed = time.monotonic()
    wait_for(lambda: connected_by().get(orphan) == "second", timeout=30, what="the takeover")
    assert time.monotonic() - killed < 30
    # Each Moonraker has one websocket client: the bridge that follows it, never two.
    for printer in printers:
        assert printer.server_info()["websocket_count"] == 1
