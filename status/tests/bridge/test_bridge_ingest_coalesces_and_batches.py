"""The async ingest: broadcasts coalesced to 4 a second per printer (the newest last), history throttled,
state changes always stored and sent at once, the latest status readable by every reader."""

import asyncio
import dataclasses
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


def messages_of(event) -> list[dict]:
    """The client messages a group event carries (a batch of them)."""
    assert event["type"] == "status.batch"
    return [json.loads(text) for _printer, _seq, text in event["messages"]]


async def drain(layer, channel, *, quiet: float = 1.3) -> list[tuple[float, dict]]:
    received: list[tuple[float, dict]] = []
    while True:
        try:
            event = await asyncio.wait_for(layer.receive(channel), timeout=quiet)
        except TimeoutError:
            return received
        received.extend((time.monotonic(), message) for message in messages_of(event))


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
    times = [at for at, _ in received]
    # At most 4 in any second (a little slack for scheduling); the burst took well under a second.
    assert all(sum(1 for t in times if start <= t < start + 0.95) <= 4 for start in times), times
    assert took < 0.95 or len(received) <= 4 + took * 4 + 1


async def test_a_printer_pushing_four_times_a_second_is_never_held_back(settings):
    printer = await Printer.objects.aget(slug="demo")
    layer, channel = await listen()
    ingest = StatusIngest()
    receiving = asyncio.create_task(drain(layer, channel))
    offered = []
    for n in range(12):  # 3 seconds at 4 a second, as Moonraker pushes
        offered.append(time.monotonic())
        await ingest.submit(printer, make_status(T0 + timedelta(milliseconds=250 * n)))
        await asyncio.sleep(0.26)
    received = await receiving
    assert len(received) == 12
    delays = [at - sent for (at, _), sent in zip(received, offered, strict=True)]
    assert max(delays) < 0.05, delays


async def test_a_state_change_is_sent_and_stored_at_once(settings):
    settings.STATUS_HISTORY_MIN_INTERVAL_MS = 60_000
    printer = await Printer.objects.aget(slug="demo")
    layer, channel = await listen()
    ingest = StatusIngest()
    for n in range(5):  # four go out, the window is full, the fifth waits
        await ingest.submit(printer, make_status(T0 + timedelta(milliseconds=10 * n), state="printing"))
    await ingest.submit(printer, make_status(T0 + timedelta(milliseconds=100), state="paused"))
    states = []
    while len(states) < 5:
        event = await asyncio.wait_for(layer.receive(channel), timeout=0.2)  # none waits for the window
        states += [message["payload"]["state"] for message in messages_of(event)]
    assert states == ["printing"] * 4 + ["paused"]
    assert await drain(layer, channel) == []  # the waiting "printing" was older than the change: dropped
    await ingest.flush()
    stored = [s async for s in StatusSnapshot.objects.order_by("recorded_at").values_list("state", flat=True)]
    assert stored == ["printing", "paused"]


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


async def test_after_a_burst_a_printer_at_four_a_second_is_back_in_step_within_a_second(settings):
    from datetime import UTC, datetime

    printer = await Printer.objects.aget(slug="demo")
    layer, channel = await listen()
    ingest = StatusIngest()
    receiving = asyncio.create_task(drain(layer, channel))
    for _ in range(5):  # what a source reports all at once when it connects
        await ingest.submit(printer, make_status(datetime.now(UTC)))
    offered = {}
    for _ in range(12):  # then 3 seconds at 4 a second
        await asyncio.sleep(0.25)
        status = make_status(datetime.now(UTC))
        offered[status_seq(status.updated_at)] = time.monotonic()
        await ingest.submit(printer, status)
    received = await receiving
    delays = [at - offered[m["seq"]] for at, m in received if m["seq"] in offered]
    late = [delay for delay in delays[4:] if delay > 0.05]  # the first second may wait for the burst
    assert not late, delays
