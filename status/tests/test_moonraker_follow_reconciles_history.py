"""On connecting, the job history since sink.job_sync_since() is read page by page and reported once."""

import pytest

from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FakeMoonraker, RecordingSink, running

pytestmark = pytest.mark.asyncio


def history(count, *, start=1_700_000_000.0):
    return [
        {
            "job_id": f"{number:06X}",
            "filename": f"part_{number}.gcode",
            "status": "completed",
            "start_time": start + number * 100,
            "end_time": start + number * 100 + 50,
        }
        for number in range(1, count + 1)
    ]


async def test_every_job_is_reported_once_across_pages():
    async with FakeMoonraker(history=history(250)) as fake:
        sink = RecordingSink()
        async with running(MoonrakerSource(url=fake.url, api_key="").follow(sink)):
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")

    reported = sink.jobs_by_id()
    assert len(reported) == 250
    assert all(len(reports) == 1 for reports in reported.values())
    pages = [params for method, params in fake.calls if method == "server.history.list"]
    assert [page["start"] for page in pages] == [0, 100, 200]
    assert all(page["order"] == "asc" and "since" not in page for page in pages)


async def test_only_jobs_since_the_sinks_time_are_read_with_a_little_margin():
    jobs = history(5)
    since = jobs[2]["start_time"]  # the sink has everything up to the third job's start
    async with FakeMoonraker(history=jobs) as fake:
        sink = RecordingSink(since=since)
        async with running(MoonrakerSource(url=fake.url, api_key="").follow(sink)):
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")

    # Moonraker's since is exclusive; the job that started at ``since`` is read again (kept once by the sink).
    assert sorted(sink.jobs_by_id()) == [job["job_id"] for job in jobs[2:]]
    (page,) = [params for method, params in fake.calls if method == "server.history.list"]
    assert page["since"] == pytest.approx(since - 0.01)


async def test_a_live_history_change_is_reported_and_gives_the_active_job_its_start():
    async with FakeMoonraker() as fake:
        sink = RecordingSink()
        async with running(MoonrakerSource(url=fake.url, api_key="").follow(sink)):
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")
            job = {"job_id": "00000A", "filename": "cube.gcode", "status": "in_progress", "start_time": 1.8e9}
            await fake.push_status({"print_stats": {"state": "printing", "filename": "cube.gcode"}})
            await fake.notify("notify_history_changed", [{"action": "added", "job": job}])
            await sink.until(
                lambda s: s.last_status.active_job and s.last_status.active_job.id == "00000A", timeout=5, what="job"
            )

    assert sink.jobs_by_id()["00000A"] == [job]
    assert sink.last_status.active_job.started_at.timestamp() == 1.8e9
