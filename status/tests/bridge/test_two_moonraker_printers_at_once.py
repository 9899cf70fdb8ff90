"""Two Moonraker printers followed at once: each its own status; one printing does not show on the other."""

import pytest

from status.tests.bridge.conftest import wait_for

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_two_printers_are_followed_side_by_side(moonraker_printer, embedded_site):
    left, right = moonraker_printer(lines_per_second=30), moonraker_printer()
    embedded_site.add_moonraker_printer("left", left)
    embedded_site.add_moonraker_printer("right", right)
    embedded_site.start()
    for slug in ("left", "right"):
        embedded_site.wait_status(slug, lambda s: s["state"] == "idle", what=f"{slug} idle")
    left.put_gcode("left.gcode", "G28\n" + "G1 X1\n" * 300)
    left.result("POST", "/printer/print/start", filename="left.gcode")
    right.result("POST", "/printer/gcode/script", script="M104 S180")
    embedded_site.wait_status("left", lambda s: s["state"] == "printing", what="left printing")
    right_status = embedded_site.wait_status(
        "right",
        lambda s: any(t["component"] == "extruder" and t["target"] == 180.0 for t in s["temperatures"]),
        what="right heating",
    )
    assert right_status["state"] == "idle"
    assert next(t for t in embedded_site.status("left")["temperatures"] if t["component"] == "extruder")["target"] == 0

    # Both pushed their own way into one history (written behind the live status: waited for, not assumed).
    def history_counts():
        counts = dict(
            embedded_site.db.rows(
                "SELECT p.slug, COUNT(*) FROM status_history h JOIN status_printer p ON p.id = h.printer_id "
                "GROUP BY p.slug"
            )
        )
        return counts if {"left", "right"} <= counts.keys() else None

    counts = wait_for(history_counts, timeout=30, what="history rows of both printers")
    assert counts["left"] > 0
    assert counts["right"] > 0
