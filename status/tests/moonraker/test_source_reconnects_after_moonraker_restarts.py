"""Through real Moonraker: killed mid-print it is unreachable and offline; restarted, it is followed again, the
job keeps its id and ends reported with Moonraker's final status."""

import pytest

from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FollowThread, RecordingSink

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]

PLAIN = "G28\n" + "G1 X10 Y10 E0.1\n" * 300


def test_moonraker_killed_mid_print_then_started_again(moonraker_printer):
    mr = moonraker_printer(lines_per_second=40)
    mr.put_gcode("long.gcode", PLAIN)
    sink = RecordingSink()

    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), sink):
        sink.wait(lambda s: s.link == ("connected", ""), timeout=10, what="connected")
        mr.result("POST", "/printer/print/start", filename="long.gcode")
        sink.wait(lambda s: s.last_status.state == "printing" and s.last_status.active_job, timeout=10, what="print")
        job_before = sink.last_status.active_job

        mr.kill_moonraker()
        sink.wait(lambda s: s.link[0] == "unreachable", timeout=10, what="unreachable")
        link_when_down = sink.link
        sink.wait(lambda s: s.link[1].startswith("connection refused"), timeout=10, what="refused on retry")
        offline = sink.last_status

        mr.start_moonraker()
        sink.wait(lambda s: s.link == ("connected", ""), timeout=20, what="connected again")
        back = sink.wait(
            lambda s: s.last_status.state in ("printing", "idle") and s.last_status, timeout=10, what="followed again"
        )
        mr.wait_print_state("complete", timeout=30)
        sink.wait(lambda s: s.last_status.state == "idle", timeout=10, what="idle at the end")
        final_history = mr.wait_for(
            lambda: [job for job in mr.history() if job["status"] != "in_progress"], what="history settled"
        )

    assert link_when_down[1] == "Moonraker went away without closing the connection"
    assert offline.state == "offline"
    assert offline.message.startswith("Moonraker unreachable: connection refused by 127.0.0.1:")
    if back.state == "printing":
        assert back.active_job.name == job_before.name
    reported = sink.jobs_by_id()
    # Every job Moonraker has is reported, with its final status last; nothing else is.
    assert sorted(reported) == sorted(job["job_id"] for job in final_history)
    for job in final_history:
        assert reported[job["job_id"]][-1]["status"] == job["status"]
    assert job_before.id in reported
