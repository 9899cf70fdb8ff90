"""Heaters follow their targets over time, pushed as diffs; G-code responses reach Moonraker's websocket."""

import itertools
import time

import pytest

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_a_heater_approaches_its_target_over_time_pushed_as_diffs(moonraker_printer):
    mr = moonraker_printer()
    with mr.websocket() as ws:
        initial = ws.call("printer.objects.subscribe", objects={"heater_bed": None})["status"]["heater_bed"]
        assert initial["target"] == 0.0
        start = initial["temperature"]

        since = len(ws.notifications)
        mr.result("POST", "/printer/gcode/script", script="M140 S60")
        ws.wait_notification(
            "notify_status_update", lambda p: p[0].get("heater_bed", {}).get("temperature", 0) > 45, since=since
        )

        updates = [params for _, method, params in ws.notifications[since:] if method == "notify_status_update"]
    temperatures = [p[0]["heater_bed"]["temperature"] for p in updates if "temperature" in p[0].get("heater_bed", {})]
    assert len(temperatures) >= 3  # on the way, not a jump
    assert temperatures == sorted(temperatures)
    assert start < temperatures[0] < 45 < temperatures[-1] < 60
    assert all(set(p[0]["heater_bed"]) <= {"temperature", "power", "target"} for p in updates)  # diffs only
    eventtimes = [p[1] for p in updates]
    assert all(b - a >= 0.24 for a, b in itertools.pairwise(eventtimes))  # at most 4 a second
    assert mr.query("heater_bed")["heater_bed"]["target"] == 60.0


def test_m109_waits_for_the_temperature(moonraker_printer):
    mr = moonraker_printer(klippy_args=("--thermal-tau", "0.5"))  # a quick heater: the wait, not the heating, counts

    mr.result("POST", "/printer/gcode/script", script="M109 S50", timeout=30)

    assert mr.query("extruder")["extruder"]["temperature"] >= 49.0


def test_gcode_responses_arrive_as_notify_gcode_response(moonraker_printer):
    mr = moonraker_printer()
    with mr.websocket() as ws:
        assert ws.call("printer.gcode.script", script="RESPOND MSG=hello") == "ok"
        ws.wait_notification("notify_gcode_response", lambda p: p == ["echo: hello"], timeout=5)

        failed = ws.call_raw("printer.gcode.script", script="NO_SUCH_COMMAND")
        assert failed["error"]["message"] == 'Unknown command:"NO_SUCH_COMMAND"'
        ws.wait_notification("notify_gcode_response", lambda p: p == ['!! Unknown command:"NO_SUCH_COMMAND"'])


def test_a_change_reaches_a_websocket_subscriber_soon_after_the_stand_in_makes_it(moonraker_printer):
    mr = moonraker_printer()
    latencies = []
    with mr.websocket() as ws:
        ws.call("printer.objects.subscribe", objects={"display_status": ["message"]})
        for probe in range(3):
            # Away from the last push, so the push waits for the change, not for the 250 ms rate limit.
            time.sleep(0.3)  # the pacing under test is time-based
            message = f"latency probe {probe}"
            mr.result("POST", "/printer/gcode/script", script=f"M117 {message}")
            arrived, _ = ws.wait_notification(
                "notify_status_update", lambda p, m=message: p[0].get("display_status", {}).get("message") == m
            )
            [changed] = [e["t"] for e in mr.events() if e["change"].get("display_status", {}).get("message") == message]
            latencies.append(arrived - changed)

    assert all(0 <= latency < 0.5 for latency in latencies), latencies
    assert min(latencies) < 0.1, latencies  # pushed on the change, not on the next 250 ms tick
