"""A sliced-looking file (slicer_gcode): Moonraker parses its metadata; the print reports layers; history keeps both."""

import pytest

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_moonraker_parses_the_slicer_estimate_and_the_print_reports_its_layers(moonraker_printer):
    mr = moonraker_printer(lines_per_second=100)
    mr.put_print("sliced.gcode", layers=4, lines_per_layer=20, estimated_seconds=754)

    metadata = mr.wait_metadata("sliced.gcode")

    assert metadata["slicer"] == "PrusaSlicer"
    assert metadata["estimated_time"] == 754
    assert metadata["filament_total"] == 8.0
    assert metadata["layer_height"] == 0.2
    assert metadata["object_height"] == 0.8
    mr.result("POST", "/printer/print/start", filename="sliced.gcode")
    stats = mr.wait_print_state("complete", timeout=10)
    assert stats["info"] == {"total_layer": 4, "current_layer": 4}
    assert stats["filament_used"] == pytest.approx(8.0)
    job = mr.wait_for(lambda: [j for j in mr.history() if j["status"] == "completed"], what="history")[0]
    assert job["metadata"]["estimated_time"] == 754


def test_pause_at_layer_pauses_there(moonraker_printer):
    mr = moonraker_printer(lines_per_second=100)
    mr.put_print("pausing.gcode", layers=4, lines_per_layer=10, pause_at_layer=3)

    mr.result("POST", "/printer/print/start", filename="pausing.gcode")
    stats = mr.wait_print_state("paused", timeout=10)

    assert stats["info"]["current_layer"] == 3
