"""A change in (stand-in) klippy reaches a /ws/status client through Moonraker and the bridge within 0.5 s."""

import json
import time

import pytest
from websockets.sync.client import connect

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_every_target_change_arrives_within_half_a_second(moonraker_printer, embedded_site):
    printer = moonraker_printer()
    embedded_site.add_moonraker_printer("fast", printer)
    embedded_site.start()
    embedded_site.wait_status("fast", lambda s: s["state"] == "idle", what="idle")
    delays = []
    with connect(embedded_site.url.replace("http", "ws") + "/ws/status?printer=fast", open_timeout=10) as ws:
        for target in (101.0, 102.0, 103.0, 104.0, 105.0):
            printer.result("POST", "/printer/gcode/script", script=f"M140 S{target:.0f}")
            while True:
                message = json.loads(ws.recv(timeout=5))
                received = time.time()
                if message["type"] != "status":  # the printer's connection, sent on connect
                    continue
                bed = next(t for t in message["payload"]["temperatures"] if t["component"] == "heater_bed")
                if bed["target"] == target:
                    break
            changed = next(
                event["t"]
                for event in printer.events()
                if event["change"].get("heater_bed", {}).get("target") == target
            )
            delays.append(received - changed)
    assert max(delays) < 0.5, delays
