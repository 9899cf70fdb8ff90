"""Mapping Klipper's fans, toolhead and layer info: what UIs show, and nothing where klippy says nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from status.sources.base import Fan, Toolhead
from status.sources.moonraker import mapping
from status.sources.moonraker.source import file_thumbnail_url, has_thumbnail

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
LISTED = [
    "webhooks",
    "controller_fan electronics",
    "fan",
    "heater_fan hotend_fan",
    "fan_generic exhaust",
    "temperature_fan chamber_fan",
    "output_pin caselight",
    "extruder",
]


def test_every_kind_of_fan_is_found_the_part_fan_first():
    assert mapping.fan_names(LISTED) == [
        "fan",
        "controller_fan electronics",
        "heater_fan hotend_fan",
        "fan_generic exhaust",
        "temperature_fan chamber_fan",
    ]
    assert mapping.fan_names(["webhooks", "extruder"]) == []


def test_fan_speeds_are_clamped_and_a_fan_without_a_speed_is_left_out():
    objects = {"fan": {"speed": 0.5}, "heater_fan hotend_fan": {"speed": 1.2}, "fan_generic exhaust": {"rpm": 300}}
    names = ["fan", "heater_fan hotend_fan", "fan_generic exhaust", "controller_fan missing"]
    assert mapping.fans(objects, names) == (Fan("fan", 0.5), Fan("heater_fan hotend_fan", 1.0))


def test_the_toolhead_is_the_gcode_position_with_the_homed_axes():
    objects = {
        "toolhead": {"position": [10.0, 20.0, 5.3, 100.0], "homed_axes": "xy"},
        # SET_GCODE_OFFSET Z=0.3: the machine is at 5.3, the G-code (and Mainsail) says 5.0.
        "gcode_move": {"gcode_position": [10.0, 20.0, 5.0, 100.0], "homing_origin": [0.0, 0.0, 0.3, 0.0]},
    }
    assert mapping.toolhead(objects) == Toolhead(x=10.0, y=20.0, z=5.0, homed_axes="xy")
    del objects["gcode_move"]
    assert mapping.toolhead(objects) == Toolhead(x=10.0, y=20.0, z=5.3, homed_axes="xy")
    assert mapping.toolhead({"toolhead": {"homed_axes": "xyz"}}) is None
    assert mapping.toolhead({"toolhead": {"position": [1, "x", 2]}}) is None


def printing(**print_stats):
    return {
        "webhooks": {"state": "ready"},
        "print_stats": {"state": "printing", "filename": "cube.gcode", "total_duration": 125.5, **print_stats},
        "virtual_sdcard": {"progress": 0.5},
        "gcode_move": {"gcode_position": [50.0, 50.0, 1.0, 0.0]},
    }


def test_layers_come_from_print_stats_info():
    job = mapping.active_job(printing(info={"current_layer": 7, "total_layer": 40}), now=NOW)
    assert (job.current_layer, job.total_layers, job.elapsed_seconds) == (7, 40, 125.5)


def test_without_print_stats_info_layers_come_from_the_slicer_and_the_nozzle_height():
    metadata = {"first_layer_height": 0.2, "layer_height": 0.2, "object_height": 8.0}
    job = mapping.active_job(
        printing(info={"current_layer": None, "total_layer": None}), now=NOW, file_metadata=metadata
    )
    assert (job.current_layer, job.total_layers) == (5, 40)  # z 1.0 mm of 8.0 mm at 0.2 mm a layer
    job = mapping.active_job(printing(info={}), now=NOW, file_metadata={**metadata, "layer_count": 39})
    assert job.total_layers == 39


def test_unknown_layers_and_elapsed_time_are_none():
    job = mapping.active_job(printing(info={}, total_duration=None), now=NOW)
    assert (job.current_layer, job.total_layers, job.elapsed_seconds) == (None, None, None)
    started = {
        "filename": "cube.gcode",
        "status": "in_progress",
        "start_time": (NOW - timedelta(seconds=90)).timestamp(),
    }
    job = mapping.active_job(printing(info={}, total_duration=None), now=NOW, history_job=started)
    assert job.elapsed_seconds == pytest.approx(90.0)


def test_the_status_carries_fans_toolhead_and_every_sensor():
    objects = {
        **printing(info={"current_layer": 3, "total_layer": 10}),
        "fan": {"speed": 0.25},
        "toolhead": {"homed_axes": "xyz", "position": [0, 0, 0, 0]},
        "extruder": {"temperature": 210.0, "target": 210.0},
        "temperature_sensor mcu_temp": {"temperature": 41.5},
        "temperature_fan chamber_fan": {"temperature": 35.0, "target": 40.0, "speed": 0.0},
        "heater_generic chamber_heater": {"temperature": 30.0, "target": 45.0},
    }
    heaters = {
        "available_heaters": ["extruder", "heater_generic chamber_heater"],
        "available_sensors": [
            "extruder",
            "heater_generic chamber_heater",
            "temperature_sensor mcu_temp",
            "temperature_fan chamber_fan",
        ],
    }
    status = mapping.printer_status(
        objects=objects,
        now=NOW,
        sensors=mapping.sensor_names(heaters),
        fan_objects=["fan", "temperature_fan chamber_fan"],
        thumbnail_url="/api/printers/p/thumbnail?file=cube.gcode",
    )
    assert {t.component: t.target for t in status.temperatures} == {
        "extruder": 210.0,
        "heater_generic chamber_heater": 45.0,
        "temperature_sensor mcu_temp": None,
        "temperature_fan chamber_fan": 40.0,
    }
    assert status.fans == (Fan("fan", 0.25), Fan("temperature_fan chamber_fan", 0.0))
    assert status.toolhead == Toolhead(x=50.0, y=50.0, z=1.0, homed_axes="xyz")
    assert status.active_job.thumbnail_url == "/api/printers/p/thumbnail?file=cube.gcode"


def test_a_thumbnail_url_only_for_a_file_moonraker_found_thumbnails_in():
    assert has_thumbnail({"thumbnails": [{"width": 32, "height": 32, "relative_path": ".thumbs/a-32x32.png"}]})
    assert not has_thumbnail({"thumbnails": []})
    assert not has_thumbnail({"estimated_time": 10})
    assert not has_thumbnail(None)
    assert file_thumbnail_url("mk4", "plates/a b&c.gcode") == "/api/printers/mk4/thumbnail?file=plates/a%20b%26c.gcode"
