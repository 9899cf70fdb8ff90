"""Two run_bridge processes split the printers; when one is killed, the other takes its printers within 30 s."""

import time

import pytest

from status.tests.bridge.conftest import wait_for

pytestmark = pytest.mark.slow

MAKE_PRINTERS = """
from status.models import Printer
for n in range(3):
    Printer.objects.create(slug=f"farm-{n}", name=f"Farm {n}", source_config={"seed": n})
"""


def holders(db) -> dict[str, int]:
    return dict(db.rows("SELECT holder, COUNT(*) FROM printer_bridge_leases GROUP BY holder"))


def test_two_bridges_split_the_farm_and_one_takes_over_when_the_other_dies(bridge_site):
    _env, db, start_bridge, run_django = bridge_site
    run_django(MAKE_PRINTERS)  # with the demo printer: 4 printers
    first = start_bridge("first")
    start_bridge("second")
    wait_for(lambda: holders(db) == {"first": 2, "second": 2}, timeout=20, what="an even split")
    orphaned = [
        slug
        for (slug,) in db.rows(
            "SELECT p.slug FROM printer_bridge_leases l JOIN status_printer p ON p.id = l.printer_id WHERE holder = %s",
            ("first",),
        )
    ]

    first.kill()  # no goodbye: its leases must expire
    killed_at = time.monotonic()
    wait_for(lambda: holders(db) == {"second": 4}, timeout=30, what="the takeover")
    took = time.monotonic() - killed_at
    assert took < 30

    # The orphans are followed again: their history grows after the takeover.
    def stored_since_takeover():
        return all(
            db.value(
                "SELECT COUNT(*) FROM status_history h JOIN status_printer p ON p.id = h.printer_id "
                "WHERE p.slug = %s AND h.recorded_at > (SELECT acquired_at FROM printer_bridge_leases l "
                "WHERE l.printer_id = p.id)",
                (slug,),
            )
            for slug in orphaned
        )

    wait_for(stored_since_takeover, timeout=10, what="history of the taken-over printers")

    # Connection states are written in batches of their own (not with the history): soon, not at once.
    def connections_name_the_second_bridge():
        connections = dict(
            db.rows("SELECT p.slug, c.bridge FROM printer_connections c JOIN status_printer p ON p.id = c.printer_id")
        )
        return {connections.get(slug) for slug in orphaned} == {"second"}

    wait_for(connections_name_the_second_bridge, timeout=10, what="the orphans' connections to name the second bridge")
