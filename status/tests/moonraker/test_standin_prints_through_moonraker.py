"""Real Moonraker against the stand-in klippy: start-up, auth and a whole print recorded in Moonraker's history."""

import pytest

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]

CUBE = "G28\nM117 printing\n" + "G1 X10 Y10 E0.5\n" * 60 + "M117 done\n"


def test_moonraker_starts_and_reports_klippy_ready(moonraker_printer):
    mr = moonraker_printer()

    info = mr.server_info()

    assert info["klippy_connected"] is True
    assert info["klippy_state"] == "ready"
    assert info["missing_klippy_requirements"] == []
    assert info["warnings"] == []
    assert {"history", "job_queue", "data_store"} <= set(info["components"])


def test_a_wrong_api_key_is_401_and_none_is_401(moonraker_printer):
    mr = moonraker_printer()

    assert mr.http("GET", "/server/info", api_key="0" * 32).status_code == 401
    assert mr.http("GET", "/server/info", api_key="").status_code == 401
    assert mr.http("GET", "/server/info").status_code == 200


def test_on_the_websocket_the_key_goes_in_the_upgrade_header_or_in_identify(moonraker_printer):
    mr = moonraker_printer()

    with mr.websocket(api_key="0" * 32, identify=False) as ws:
        # Moonraker upgrades anyway; every call is then refused until identify brings a valid key.
        assert ws.call_raw("server.info")["error"]["message"] == "Unauthorized"
        identify = {"client_name": "t", "version": "0", "type": "agent", "url": "-"}
        assert ws.call_raw("server.connection.identify", **identify, api_key="0" * 32)["error"]["message"] == (
            "Invalid API Key"
        )
        ws.call("server.connection.identify", **identify, api_key=mr.api_key)
        assert ws.call("server.info")["klippy_state"] == "ready"
    with mr.websocket(identify=False) as ws:
        assert ws.call("server.info")["klippy_state"] == "ready"


def test_a_print_completes_and_history_lists_it_once_as_completed(moonraker_printer):
    mr = moonraker_printer(lines_per_second=100)
    mr.put_gcode("cube.gcode", CUBE)

    mr.result("POST", "/printer/print/start", filename="cube.gcode")
    mr.wait_print_state("printing", timeout=5)
    stats = mr.wait_print_state("complete", timeout=15)

    assert stats["filename"] == "cube.gcode"
    assert stats["filament_used"] == pytest.approx(0.5)
    status = mr.query("virtual_sdcard", "display_status")
    assert status["virtual_sdcard"]["progress"] == 1.0
    assert status["display_status"]["message"] == "done"
    jobs = mr.wait_for(lambda: [j for j in mr.history() if j["status"] != "in_progress"], what="history to finish")
    assert [(j["filename"], j["status"]) for j in jobs] == [("cube.gcode", "completed")]
    assert jobs[0]["print_duration"] > 0
    assert len(mr.history()) == 1
