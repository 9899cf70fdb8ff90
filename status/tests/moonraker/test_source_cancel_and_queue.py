"""Through real Moonraker: its job queue as queued jobs, and a cancelled print."""

import pytest

from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FollowThread, RecordingSink

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]

PLAIN = "G28\n" + "G1 X10 Y10 E0.1\n" * 400


def test_the_queue_is_reported_in_order_and_a_cancel_is_idle_with_a_cancelled_job(moonraker_printer):
    mr = moonraker_printer(lines_per_second=50)
    for name in ("long.gcode", "next_a.gcode", "next_b.gcode"):
        mr.put_gcode(name, PLAIN)
    sink = RecordingSink()

    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), sink):
        sink.wait(lambda s: s.link == ("connected", ""), timeout=10, what="connected")
        mr.result("POST", "/printer/print/start", filename="long.gcode")
        sink.wait(lambda s: s.last_status.state == "printing", timeout=10, what="printing")
        mr.result("POST", "/server/job_queue/job", filenames=["next_a.gcode", "next_b.gcode"])
        queued = sink.wait(lambda s: s.last_status.queued_jobs, timeout=10, what="the queue")
        expected_ids = [job["job_id"] for job in mr.result("GET", "/server/job_queue/status")["queued_jobs"]]

        mr.result("POST", "/printer/print/cancel")
        cancelled = sink.wait(
            lambda s: s.last_status.state == "idle" and s.last_status.active_job and s.last_status,
            timeout=10,
            what="idle after the cancel",
        )
        sink.wait(
            lambda s: [r for reports in s.jobs_by_id().values() for r in reports if r["status"] == "cancelled"],
            timeout=10,
            what="the cancelled job reported",
        )
        mr.result("DELETE", "/server/job_queue/job", all="true")
        sink.wait(lambda s: not s.last_status.queued_jobs, timeout=10, what="the queue emptied")

    assert [(job.name, job.status) for job in queued] == [("next_a.gcode", "queued"), ("next_b.gcode", "queued")]
    assert [job.id for job in queued] == expected_ids
    assert cancelled.message == "Print cancelled: long.gcode"
    assert cancelled.active_job.status == "cancelled"
    assert 0 < cancelled.active_job.progress < 1
    (job_id,) = sink.jobs_by_id()
    assert sink.jobs_by_id()[job_id][-1]["status"] == "cancelled"
