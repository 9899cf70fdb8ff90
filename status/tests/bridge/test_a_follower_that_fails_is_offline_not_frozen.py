"""A follower whose source fails reports the printer offline, and its last status is not kept alive by heartbeats."""

import asyncio

import pytest

from status.bridge import runner
from status.bridge.runner import Bridge
from status.models import Printer
from status.sources.base import StatusSource
from status.tests.factories import T0, make_status

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.asyncio]


class ReportsOnceThenFails(StatusSource):
    kind = "moonraker"
    pushes = True

    @classmethod
    def for_printer(cls, printer):
        return cls()

    async def follow(self, sink):
        await sink.status(make_status(T0, state="printing"))
        raise RuntimeError("the source broke")


async def test_the_printer_goes_offline_and_heartbeats_stop(monkeypatch):
    monkeypatch.setattr(runner, "HEARTBEAT_SECONDS", 0.2)
    monkeypatch.setattr(runner, "source_for", lambda printer: ReportsOnceThenFails())
    printer = await Printer.objects.acreate(
        slug="broken", name="Broken", source_kind="moonraker", moonraker_url="http://127.0.0.1:9"
    )
    bridge = Bridge(holder="test")
    submitted = []
    original = bridge.ingest.submit

    async def record(p, status):
        submitted.append(status.state)
        await original(p, status)

    bridge.ingest.submit = record
    sink = runner.PrinterSink(bridge, printer)
    task = asyncio.create_task(bridge._run_follower(printer, sink))
    bridge.followers[printer.pk] = runner._Follower(printer, task, sink)
    heartbeats = asyncio.create_task(bridge._heartbeats())
    await asyncio.sleep(0.8)  # several heartbeat periods; the restart waits about a second
    task.cancel()
    heartbeats.cancel()
    await asyncio.gather(task, heartbeats, return_exceptions=True)
    for thread in (bridge.lease_thread, bridge.misc_thread, bridge.store_thread):
        thread.shutdown()
    assert submitted[:2] == ["printing", "offline"]
    assert "printing" not in submitted[2:]  # no heartbeat brought the dead "printing" back
