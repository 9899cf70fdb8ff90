"""A connection state the database did not take is written again: it is not lost to the follower's dedupe."""

import pytest
from django.db import OperationalError

from status.bridge import runner
from status.bridge.runner import Bridge
from status.models import Printer, PrinterConnection

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.asyncio]


async def test_a_state_that_failed_once_is_written_by_the_next_flush(monkeypatch):
    printer = await Printer.objects.aget(slug="demo")
    bridge = Bridge(holder="test")
    calls = []
    real = runner.printer_connection_set

    def flaky(**kwargs):
        calls.append(kwargs["state"])
        if len(calls) == 1:
            raise OperationalError("database is locked")
        real(**kwargs)

    monkeypatch.setattr(runner, "printer_connection_set", flaky)
    bridge.followers[printer.pk] = object()  # followed: its writes are worth retrying
    sink = runner.PrinterSink(bridge, printer)
    await sink.connection("connected", "")
    await bridge.writes.flush()  # fails, stays queued
    assert not await PrinterConnection.objects.filter(printer=printer).aexists()
    await sink.connection("connected", "")  # the follower's dedupe: nothing new is queued
    await bridge.writes.flush()
    assert calls == ["connected", "connected"]
    assert (await PrinterConnection.objects.aget(printer=printer)).state == "connected"
    for thread in (bridge.lease_thread, bridge.misc_thread, bridge.store_thread):
        thread.shutdown()
