"""The async ingest: broadcasts coalesced to 4 a second per printer (the newest last), history throttled,
state changes always stored and sent at once, the latest status readable by every reader."""

import asyncio
import dataclasses
import itertools
import json
import time
from datetime import timedelta

import pytest
from channels.layers import get_channel_layer

from status.bridge.ingest import StatusIngest
from status.broadcast import STATUS_GROUP
from status.models import Printer, StatusSnapshot
from status.payloads import status_seq
from status.selectors import status_latest
from status.tests.factories import T0, make_status

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.asyncio]


async def listen():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(STATUS_GROUP, channel)
    return layer, channel


async def drain(layer, channel, *, quiet: float = 0.6) -> list[tuple[float, dict]]:
    received = []
    while True:
        try:
            event = await asyncio.wait_for(layer.receive(channel), timeout=quiet)
        except TimeoutError:
            return received
        received.append((time.monotonic(), json.loads(event["text"])))


async def test_a_burst_is_coalesced_and_ends_with_the_newest(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 1000
    printer = await Printer.objects.aget(slug="demo")
    layer, channel = await listen()
    ingest = StatusIngest()
    statuses = [make_status(T0 + timedelta(milliseconds=10 * n)) for n in range(20)]
    receiving = asyncio.create_task(drain(layer, channel))
    began = time.monotonic()
    for status in statuses:
        await ingest.submit(printer, status)
        await asyncio.sleep(0.01)
    took = time.monotonic() - began
    received = await receiving
    seqs = [message["seq"] for _, message in received]
    assert seqs[0] == status_seq(statuses[0].updated_at)
    assert seqs[-1] == status_seq(statuses[-1].updated_at)
    assert seqs == sorted(set(seqs))
    assert len(received) <= 2 + took * 4  # the first at once, then at most 4 a second, the last trailing
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(received)]
    assert all(gap >= 0.2 for gap in gaps), gaps


async def test_a_state_change_is_sent_and_stored_at_once(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 60_000
    printer = await Printer.objects.aget(slug="demo")
    layer, channel = await listen()
    ingest = StatusIngest()
    await ingest.submit(printer, make_status(T0, state="printing"))
    await ingest.submit(printer, make_status(T0 + timedelta(milliseconds=50), state="printing"))
    await ingest.submit(printer, make_status(T0 + timedelta(milliseconds=100), state="paused"))
    first = await asyncio.wait_for(layer.receive(channel), timeout=1)
    second = await asyncio.wait_for(layer.receive(channel), timeout=0.1)  # not held back by the 250 ms
    assert json.loads(first["text"])["payload"]["state"] == "printing"
    assert json.loads(second["text"])["payload"]["state"] == "paused"
    await ingest.flush()
    states = [s async for s in StatusSnapshot.objects.order_by("recorded_at").values_list("state", flat=True)]
    assert states == ["printing", "paused"]


async def test_history_is_stored_once_per_interval_across_printers_in_one_batch(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 1000
    demo = await Printer.objects.aget(slug="demo")
    other = await Printer.objects.acreate(slug="other", name="Other")
    ingest = StatusIngest()
    for n in range(30):  # 3 seconds of statuses, 10 a second, for both printers
        at = T0 + timedelta(milliseconds=100 * n)
        await ingest.submit(demo, make_status(at))
        await ingest.submit(other, dataclasses.replace(make_status(at)))
    await ingest.flush()
    assert await StatusSnapshot.objects.filter(printer=demo).acount() == 3
    assert await StatusSnapshot.objects.filter(printer=other).acount() == 3
    assert ingest.snapshots_written == 6


async def test_the_latest_status_is_readable_before_it_is_stored(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 1000
    printer = await Printer.objects.aget(slug="demo")
    ingest = StatusIngest()
    first, newest = make_status(T0), make_status(T0 + timedelta(milliseconds=300), state="paused")
    await ingest.submit(printer, first)
    await ingest.flush()
    await ingest.submit(printer, dataclasses.replace(newest, state="printing"))
    await ingest.flush_latest()  # the cache only
    seq, _status = await asyncio.to_thread(status_latest, printer=printer)
    assert seq == status_seq(newest.updated_at)
    assert await StatusSnapshot.objects.acount() == 1
