"""A job that starts and ends while the bridge is stopped is recorded once, with its final status, after it starts."""

import pytest

from status.tests.bridge.conftest import wait_for

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_the_job_is_reconciled_from_moonrakers_history(moonraker_printer, embedded_site):
    printer = moonraker_printer(lines_per_second=100)
    embedded_site.add_moonraker_printer("away", printer)
    embedded_site.start()
    embedded_site.wait_status("away", lambda s: s["state"] == "idle", what="idle")
    printer.put_gcode("first.gcode", "G28\n" + "G1 X1\n" * 100)
    printer.result("POST", "/printer/print/start", filename="first.gcode")
    wait_for(lambda: [j[1] for j in embedded_site.jobs("away")] == ["completed"], timeout=20, what="the first job")

    embedded_site.stop()
    printer.put_gcode("second.gcode", "G28\n" + "G1 X2\n" * 150)
    printer.result("POST", "/printer/print/start", filename="second.gcode")
    printer.wait_print_state("complete", timeout=30)
    assert len(printer.history()) == 2
    assert len(embedded_site.jobs("away")) == 1

    embedded_site.start()
    wait_for(
        lambda: (
            [(j[2], j[1]) for j in embedded_site.jobs("away")]
            == [("first.gcode", "completed"), ("second.gcode", "completed")]
        ),
        timeout=15,
        what="the job done while the bridge was away",
    )
    embedded_site.stop()  # and again: a restart adds nothing
    embedded_site.start()
    embedded_site.wait_status("away", lambda s: s["state"] == "idle", what="idle")
    assert len(embedded_site.jobs("away")) == 2
