"""Through real Moonraker and the stand-in klippy: the status payload has the fans, the toolhead, the layers,
the elapsed time and the thumbnail URL of a print, and a file without a thumbnail has none."""

import base64
import io
from datetime import datetime

import pytest
from PIL import Image

from scripts.moonraker_instance import slicer_gcode
from status.models import Printer
from status.payloads import status_payload
from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FollowThread, RecordingSink

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def with_thumbnail(text: str) -> str:
    """The file with a PrusaSlicer thumbnail block after its first line (Moonraker extracts it to .thumbs/)."""
    png = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(png, "PNG")
    encoded = base64.b64encode(png.getvalue()).decode()
    rows = [f"; {encoded[i : i + 78]}" for i in range(0, len(encoded), 78)]
    block = "\n".join([";", f"; thumbnail begin 16x16 {len(encoded)}", *rows, "; thumbnail end", ";"])
    head, rest = text.split("\n", 1)
    return f"{head}\n{block}\n{rest}"


def payload(sink):
    status = sink.last_status
    return status_payload(printer=Printer(slug="mk4"), status=status) if status else None


def printing_layer(sink, layer):
    body = payload(sink)
    job = body and body["active_job"]
    return job and body["state"] == "printing" and (job["current_layer"] or 0) >= layer and body


def test_a_print_reports_fans_toolhead_layers_elapsed_time_and_its_thumbnail(moonraker_printer):
    mr = moonraker_printer(lines_per_second=15)
    mr.upload_gcode(
        "thumb cube.gcode", with_thumbnail(slicer_gcode(layers=4, lines_per_layer=12, estimated_seconds=60))
    )
    mr.upload_gcode("plain.gcode", slicer_gcode(layers=2, lines_per_layer=3, estimated_seconds=5))
    assert mr.wait_metadata("thumb cube.gcode")["thumbnails"]
    sink = RecordingSink()

    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key, printer_slug="mk4"), sink):
        sink.wait(lambda s: s.link == ("connected", "") and payload(s)["state"] == "idle", timeout=10, what="idle")
        idle = payload(sink)
        mr.result("POST", "/printer/gcode/script", script="M106 S128\nM104 S200")
        sink.wait(
            lambda s: {f["name"]: f["speed"] for f in payload(s)["fans"]}.get("heater_fan hotend_fan") == 1.0,
            timeout=15,
            what="the hotend fan on above 50 °C",
        )
        mr.result("POST", "/printer/print/start", filename="thumb cube.gcode")
        second_layer = sink.wait(lambda s: printing_layer(s, 2), timeout=15, what="printing layer 2")
        later = sink.wait(lambda s: printing_layer(s, 3), timeout=15, what="printing layer 3")
        sink.wait(lambda s: payload(s)["state"] == "idle" and payload(s)["active_job"], timeout=20, what="done")
        mr.result("POST", "/printer/print/start", filename="plain.gcode")
        plain = sink.wait(
            lambda s: (body := payload(s))["active_job"] and body["active_job"]["name"] == "plain.gcode" and body,
            timeout=15,
            what="the plain file printing",
        )

    assert idle["active_job"] is None
    assert idle["fans"] == [{"name": "fan", "speed": 0.0}, {"name": "heater_fan hotend_fan", "speed": 0.0}]
    assert idle["toolhead"] == {"x": 0.0, "y": 0.0, "z": 0.0, "homed_axes": ""}
    # Every sensor is there; only heaters have a target.
    targets = {t["component"]: t["target"] for t in idle["temperatures"]}
    assert targets == {"extruder": 0.0, "heater_bed": 0.0, "temperature_sensor chamber": None}

    assert second_layer["fans"] == [
        {"name": "fan", "speed": round(128 / 255, 3)},
        {"name": "heater_fan hotend_fan", "speed": 1.0},
    ]
    job = second_layer["active_job"]
    assert (job["name"], job["total_layers"]) == ("thumb cube.gcode", 4)
    assert job["thumbnail_url"] == "/api/printers/mk4/thumbnail?file=thumb%20cube.gcode"
    head = second_layer["toolhead"]
    assert head["homed_axes"] == "xyz"  # the file's G28
    # G-code coordinates: each layer's "G1 Z" (0.2 mm layers), then X/Y moves at 10.. mm.
    assert head["z"] == pytest.approx(0.2 * job["current_layer"])
    assert 10 <= head["x"] < 60

    # The elapsed time is klippy's print_stats.total_duration: it grows, and matches the clock.
    first, then = job, later["active_job"]
    assert 0 < first["elapsed_seconds"] < then["elapsed_seconds"]
    wall = datetime.fromisoformat(later["updated_at"]) - datetime.fromisoformat(second_layer["updated_at"])
    wall = wall.total_seconds()
    assert then["elapsed_seconds"] - first["elapsed_seconds"] == pytest.approx(wall, abs=1.5)

    assert plain["active_job"]["thumbnail_url"] is None
