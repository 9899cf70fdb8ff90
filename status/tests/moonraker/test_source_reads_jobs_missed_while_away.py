"""Through real Moonraker: a job that ran while nobody followed is reported on connecting, once, finished."""

import pytest

from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FollowThread, RecordingSink

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_a_job_finished_before_following_is_reported_with_its_final_status(moonraker_printer):
    mr = moonraker_printer(lines_per_second=50)
    mr.put_gcode("early.gcode", "G28\n" + "G1 X1 E0.1\n" * 40)
    mr.put_gcode("later.gcode", "G28\n" + "G1 X1 E0.1\n" * 40)
    for count, name in enumerate(("early.gcode", "later.gcode"), start=1):
        mr.result("POST", "/printer/print/start", filename=name)
        # Wait for Moonraker's record: a print started within one push of the last one's end looks like its sequel.
        jobs = mr.wait_for(
            lambda count=count: len([j for j in mr.history() if j["status"] == "completed"]) == count and mr.history(),
            timeout=15,
            what=f"{name} completed in Moonraker's history",
        )
    early, later = sorted(jobs, key=lambda job: job["start_time"])

    everything = RecordingSink(since=None)
    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), everything):
        everything.wait(lambda s: s.link == ("connected", ""), timeout=10, what="connected")
    since_later = RecordingSink(since=later["start_time"])
    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), since_later):
        since_later.wait(lambda s: s.link == ("connected", ""), timeout=10, what="connected")

    assert {job_id: [j["status"] for j in reports] for job_id, reports in everything.jobs_by_id().items()} == {
        early["job_id"]: ["completed"],
        later["job_id"]: ["completed"],
    }
    # From the sink's time on: the job that started then (read again, kept once by the sink), not the one before.
    assert list(since_later.jobs_by_id()) == [later["job_id"]]
