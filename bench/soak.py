"""Soak: many /ws/status clients, a steady HTTP read load and a farm of bridged printers, for minutes.

    .venv/bin/python bench/soak.py                          # both modes, 10 minutes each
    .venv/bin/python bench/soak.py --mode embedded --minutes 3
    .venv/bin/python bench/soak.py --clients 200 --rps 50 --minutes 1 --no-write   # a quick look

What runs, all on 127.0.0.1, started here and stopped here (also after an error, Ctrl-C or SIGTERM):
- the service as deployed, through its own launcher `python -m klipperiwc_site.web` (what deploy.sh
  runs), in a temp folder's database and asset folder:
  embedded: one daphne, SQLite, the bridge inside it (BRIDGE_MODE=web), in-process channel layer;
  scaled: WEB_PROCESSES daphne processes (default 2), a fresh PostgreSQL database on
  TEST_POSTGRES_URL's server (dropped at the end), a redis-server of its own, and
  `manage.py run_bridge` beside them (BRIDGE_MODE=process);
- the printers (--printers, default 20), all followed by the bridge over Moonraker's websocket
  protocol: --real-moonrakers of them (default 1) are real Moonraker (.venv-moonraker) against the
  stand-in klippy (scripts/moonraker_instance.py; each real one costs two processes and a core's
  share, too heavy for 20 on 2 cores), the rest light Moonraker-protocol endpoints
  (status/sources/moonraker/testing.py's FakeMoonraker) in one process of their own, each pushing a
  notify_status_update every --push-interval s (default 1) with a counter and its send time in
  display_status.message;
- --clients /ws/status clients (default 1,000; all printers), spread over --client-processes
  processes of their own, connected over a ramp;
- --rps HTTP GETs per second (default 200), open loop, of mixed reads: the farm status
  (/api/status), one printer's status, status and temperature history, the printer list and the
  board catalog.

Measured over the window after warm-up: errors (failed or dropped WebSockets, error messages,
HTTP answers other than 200, requests the load generator could not send in time), lost and
duplicated statuses (per client and printer: a seq not above the last one is a duplicate; a
fake printer's counter that skips is a loss, wherever it happened between the fake and the client),
latency percentiles (HTTP; broadcast -> client: receipt time - the status's seq, which is its
updated_at in microseconds, stamped by the bridge just before it broadcasts; push -> client), and
the server's RSS (web launcher, daphne processes, bridge) at start, after warm-up and at the end.
Targets (issue #12): 0 errors, 0 gaps, memory growth under 10 % after warm-up.

Prints a table and writes its section per mode into bench/RESULTS.md (between <!-- soak-MODE -->
and <!-- /soak-MODE -->; the other sections are kept).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from array import array
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bridge_bench  # noqa: E402 - the bench's helpers: processes, PostgreSQL database, Redis, /proc readers
from bridge_bench import (  # noqa: E402
    API_KEY,
    FILENAME,
    PYTHON,
    PostgresDatabase,
    Processes,
    django_shell,
    fake_history,
    fake_objects,
    free_port,
    http_answers,
    load_average,
    log,
    manage,
    percentile,
    project_env,
    start_redis,
    wait_until,
)

STAMP = re.compile(r"soak n=(\d+) t=([\d.]+)")
HEAD = re.compile(r'\{"type": "(\w+)"(?:, "seq": (\d+), "printer": "([^"]+)")?')
MEMORY_TARGET = 10.0  # % growth after warm-up


# --- the fake printers (a process of their own: --serve-fakes N --push-interval S) -------------
async def serve_fakes(count: int, interval: float) -> None:
    """``count`` FakeMoonraker models behind one websocket server (path /pNNN each); prints ``listening PORT``."""
    from status.sources.moonraker.testing import FakeMoonraker

    now = time.time()
    metadata = {FILENAME: {"filename": FILENAME, "size": 1_000_000, "modified": now - 3600, "estimated_time": 3600}}
    fakes = {
        f"/p{n:03d}": FakeMoonraker(
            api_key=API_KEY, objects=fake_objects(n), history=fake_history(n, now), metadata=metadata
        )
        for n in range(count)
    }

    async def push(number: int, fake) -> None:
        rng = random.Random(number)  # noqa: S311 - a simulation
        await asyncio.sleep(rng.random() * interval)  # out of step, as in a farm
        step = 0
        while True:
            await asyncio.sleep(interval)
            if not fake.subscribers:
                continue
            step += 1  # counts pushes sent to a subscriber: a client seeing it skip lost one
            progress = min(0.999, 0.1 + step * 0.0001)
            await fake.push_status(
                {
                    "extruder": {"temperature": round(210 + 0.8 * math.sin(step / 7) + rng.uniform(-0.1, 0.1), 2)},
                    "heater_bed": {"temperature": round(60 + 0.3 * math.sin(step / 11), 2)},
                    "virtual_sdcard": {"progress": progress, "file_position": 100_000 + step * 100},
                    "print_stats": {"print_duration": 600.0 + step * interval},
                    "display_status": {"progress": progress, "message": f"soak n={step} t={time.time():.6f}"},
                }
            )

    await bridge_bench.serve_fake_farm(fakes, push)


# --- the WebSocket clients (processes of their own: --ws-worker JSON) ----------------------------
async def ws_worker(config: dict) -> dict:
    """Run config["count"] /ws/status clients until config["stop_at"]; a summary of what they saw."""
    from websockets.asyncio.client import connect

    window = (config["window_start"], config["window_end"])
    broadcast_ms, push_ms = array("d"), array("d")
    errors: Counter = Counter()
    totals = Counter()
    window_counts: list[int] = []
    stopping = asyncio.Event()
    sockets = set()
    ever: set[int] = set()
    skipped: Counter = Counter()  # (printer, push counter) -> clients that missed it (in the window)

    async def one(index: int) -> None:
        """A client that connects again after a failed handshake or a drop (as the dashboard does), until the end."""
        await asyncio.sleep(max(0.0, config["connect_at"][index] - time.time()))
        counted = [0]
        while not stopping.is_set():
            await follow(index, counted)
            if not stopping.is_set():
                await asyncio.sleep(1 + random.random() * 2)  # noqa: S311 - reconnect back-off
        window_counts.append(counted[0])

    async def follow(index: int, counted: list[int]) -> None:
        last_seq: dict[str, int] = {}
        last_step: dict[str, int] = {}
        steady: set[str] = set()
        sampled = index % config["sample_every"] == 0
        connected = False
        try:
            async with connect(
                config["url"], compression=None, ping_interval=None, open_timeout=60, max_queue=256
            ) as websocket:
                if stopping.is_set():
                    return  # connected after the end: the stopper has closed the others already
                if not connected:
                    totals["connected" if index not in ever else "reconnected"] += 1
                    ever.add(index)
                connected = True
                sockets.add(websocket)
                async for text in websocket:
                    now = time.time()
                    head = HEAD.match(text)
                    kind = head.group(1) if head else "?"
                    if kind != "status":
                        if kind != "connection":
                            errors[f"unexpected message: {text[:120]}"] += 1
                        continue
                    seq, printer = int(head.group(2)), head.group(3)
                    if seq <= last_seq.get(printer, -1):
                        totals["duplicates"] += 1
                        continue
                    last_seq[printer] = seq
                    stamp = STAMP.search(text)
                    if stamp:
                        step = int(stamp.group(1))
                        before = last_step.get(printer)
                        # The first status after connecting is the newest *stored* one (the cache lags
                        # the broadcasts by a flush), so a skip right after it is by design: counted
                        # from the second status of each printer on.
                        if before is not None and step > before + 1 and printer in steady:
                            if window[0] <= now <= window[1]:
                                for missed in range(before + 1, step):
                                    skipped[(printer, missed)] += 1
                        elif before is not None and step <= before:
                            totals["duplicates"] += 1  # a push seen twice under a new seq
                        if before is not None:
                            steady.add(printer)
                        last_step[printer] = step
                    if window[0] <= now <= window[1]:
                        counted[0] += 1
                        if sampled:
                            broadcast_ms.append((now - seq / 1e6) * 1000)
                            if stamp:
                                push_ms.append((now - float(stamp.group(2))) * 1000)
        except Exception as exc:
            if not stopping.is_set():
                errors[f"{'dropped' if connected else 'connect failed'}: {type(exc).__name__}: {str(exc)[:80]}"] += 1
        else:
            if not stopping.is_set():
                errors["closed by the server before the end"] += 1

    async def stop_later() -> None:
        await asyncio.sleep(max(0.0, config["stop_at"] - time.time()))
        stopping.set()
        await asyncio.gather(*(ws.close() for ws in list(sockets)), return_exceptions=True)

    stopper = asyncio.create_task(stop_later())
    clients = [asyncio.create_task(one(index)) for index in range(len(config["connect_at"]))]
    # Bounded: a handshake still pending at the end may take its open_timeout; then whatever is left is cut.
    _done, pending = await asyncio.wait(clients, timeout=max(0.0, config["stop_at"] - time.time()) + 75)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    await stopper
    return {
        "clients": len(config["connect_at"]),
        "connected": totals["connected"],
        "reconnected": totals["reconnected"],
        "duplicates": totals["duplicates"],
        "skipped": [[printer, step, n] for (printer, step), n in skipped.items()],
        "steady": sum(1 for count in window_counts if count) - totals["reconnected"],
        "errors": dict(errors),
        "window_counts": window_counts,
        "broadcast_ms": list(broadcast_ms),
        "push_ms": list(push_ms),
    }


# --- the HTTP load ----------------------------------------------------------------------------------
async def http_load(base: str, paths: list[str], *, rps: float, start: float, stop: float, window) -> dict:
    """Open loop: one GET every 1/rps s from ``start`` to ``stop`` (round robin over paths), latencies in the window."""
    import httpx

    limit = 64
    latencies: list[float] = []
    errors: Counter = Counter()
    sent = 0
    busy = asyncio.Semaphore(limit)
    tasks = set()
    async with httpx.AsyncClient(
        base_url=base,
        timeout=15,
        limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
        trust_env=False,
    ) as client:

        async def get(path: str) -> None:
            began = time.perf_counter()
            try:
                response = await client.get(path)
                if response.status_code != 200:
                    errors[f"GET {path.split('?')[0]} -> {response.status_code}"] += 1
            except httpx.HTTPError as exc:
                errors[f"GET {path.split('?')[0]}: {type(exc).__name__}"] += 1
            finally:
                busy.release()
            if window[0] <= time.time() <= window[1]:
                latencies.append((time.perf_counter() - began) * 1000)

        await asyncio.sleep(max(0.0, start - time.time()))
        due = time.monotonic()
        while time.time() < stop:
            due += 1 / rps
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if busy.locked():
                errors[f"not sent: {limit} requests already waiting (the server or this generator fell behind)"] += 1
                continue
            await busy.acquire()
            task = asyncio.create_task(get(paths[sent % len(paths)]))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            sent += 1
        await asyncio.gather(*tasks)
    return {"sent": sent, "errors": dict(errors), "latencies": latencies}


# --- the server's processes -------------------------------------------------------------------------
def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += children(current)
    return pids


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


CREATE_PRINTERS = """
from status.models import Printer, SourceKind
Printer.objects.filter(source_kind=SourceKind.DEMO).update(enabled=False)
specs = {specs!r}
Printer.objects.bulk_create(
    [Printer(slug=slug, name=slug, source_kind=SourceKind.MOONRAKER, moonraker_url=url, api_key=key, tags=["soak"])
     for slug, url, key in specs]
)
print(Printer.objects.filter(enabled=True).count())
"""


class Soak:
    def __init__(self, args, mode: str, workdir: Path) -> None:
        self.args = args
        self.mode = mode
        self.workdir = workdir
        self.processes = Processes(workdir)
        self.database: PostgresDatabase | None = None
        self.moonrakers: list = []
        self.server_roots: dict[str, int] = {}

    def close(self) -> None:
        # Each one stopped even when stopping another failed or a second Ctrl-C came meanwhile.
        for _name, process in reversed(self.processes.started):
            with contextlib.suppress(BaseException):
                self.processes.stop(process)
        for _name, process in self.processes.started:
            if process.poll() is None:
                process.kill()
        self.processes.started.clear()
        if self.args.keep_logs:
            import shutil

            folder = self.args.keep_logs / self.mode
            folder.mkdir(parents=True, exist_ok=True)
            for path in self.workdir.glob("*.log"):
                shutil.copy(path, folder / path.name)
        for instance in self.moonrakers:
            with contextlib.suppress(Exception):
                instance.stop()
        if self.database is not None:
            self.database.drop()
            log(f"dropped database {self.database.name}")

    def server_pids(self) -> list[int]:
        return [pid for root in self.server_roots.values() for pid in tree(root)]

    async def run(self) -> dict:
        args = self.args
        load_before = load_average()
        log(f"{self.mode}: load average before the run {load_before}")
        overrides = {"BOARD_ASSET_LOCAL_PATH": str(self.workdir / "assets"), "LOG_LEVEL": "warning"}
        if self.mode == "embedded":
            overrides.update(
                DATABASE_URL=f"sqlite:///{self.workdir}/soak.sqlite3", BRIDGE_MODE="web", WEB_PROCESSES="1"
            )
        else:
            self.database = await asyncio.to_thread(PostgresDatabase)
            redis_url, _redis_pid = await asyncio.to_thread(start_redis, self.processes)
            overrides.update(
                DATABASE_URL=self.database.url,
                REDIS_URL=redis_url,
                CELERY_BROKER_URL=redis_url,
                BRIDGE_MODE="process",
                WEB_PROCESSES=str(args.web_processes),
            )
        env = project_env(**overrides)
        log("migrating")
        await asyncio.to_thread(manage, env, "migrate", "--noinput")

        fakes_count = args.printers - args.real_moonrakers
        specs = []
        if fakes_count:
            fakes = self.processes.start(
                "fakes",
                [PYTHON, __file__, "--serve-fakes", str(fakes_count), "--push-interval", str(args.push_interval)],
                stdout=subprocess.PIPE,
            )
            line = await asyncio.to_thread(fakes.stdout.readline)
            if not line.startswith(b"listening "):
                raise SystemExit(f"the fake printers did not start:\n{self.processes.tail('fakes')}")
            port = int(line.split()[1])
            specs += [(f"soak-{n:03d}", f"http://127.0.0.1:{port}/p{n:03d}", API_KEY) for n in range(fakes_count)]
        self.real_note = ""
        if args.real_moonrakers:
            from scripts.moonraker_instance import MoonrakerInstance, moonraker_available

            ok, why = moonraker_available()
            if not ok:
                raise SystemExit(f"real Moonraker cannot run here ({why}); pass --real-moonrakers 0")
            for n in range(args.real_moonrakers):
                instance = MoonrakerInstance(self.workdir / f"moonraker-{n}", start_timeout=90)
                self.moonrakers.append(instance)
                await asyncio.to_thread(instance.start)
                specs.append((f"soak-real-{n}", instance.url, instance.api_key))
            log(f"{args.real_moonrakers} real Moonraker(s) up")
        await asyncio.to_thread(django_shell, env, CREATE_PRINTERS.format(specs=specs))

        port = free_port()
        web = self.processes.start(
            "web", [PYTHON, "-m", "klipperiwc_site.web", "-b", "127.0.0.1", "-p", str(port)], env
        )  # fmt: skip
        self.server_roots["web"] = web.pid
        await asyncio.to_thread(wait_until, lambda: http_answers(port), timeout=90, what="the web server")
        if self.mode == "scaled":
            bridge = self.processes.start("bridge", [PYTHON, "manage.py", "run_bridge", "--holder", "soak"], env)
            self.server_roots["bridge"] = bridge.pid
        base, ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws/status"
        slugs = [slug for slug, _, _ in specs]
        await self.wait_live(ws_url, slugs)

        paths = [
            "/api/status",
            f"/api/status?printer={slugs[0]}",
            f"/api/history/status?printer={slugs[1 % len(slugs)]}",
            "/api/printers/",
            f"/api/history/temperatures?printer={slugs[2 % len(slugs)]}",
            "/api/boards/",
        ]
        began = time.time()
        duration = args.minutes * 60
        ramp = min(args.ramp, duration / 4)
        connect_start = began + 1
        window_start = connect_start + ramp + args.warmup
        stop_at = began + duration
        window_end = stop_at - 3
        if window_end - window_start < 10:
            raise SystemExit("--minutes leaves no window after the ramp and warm-up; give more minutes")
        rss = {"start": rss_mb(self.server_pids())}
        log(f"{len(slugs)} printers live; {args.clients} clients ramp up over {ramp:.0f} s, warm-up {args.warmup} s, "
            f"window {window_end - window_start:.0f} s; server RSS {rss['start']:.0f} MB")  # fmt: skip

        workers = []
        per = [args.clients // args.client_processes + (i < args.clients % args.client_processes)
               for i in range(args.client_processes)]  # fmt: skip
        first = 0
        for number, count in enumerate(per):
            config = {
                "url": ws_url,
                "connect_at": [connect_start + ramp * (first + i) / args.clients for i in range(count)],
                "window_start": window_start,
                "window_end": window_end,
                "stop_at": stop_at,
                "sample_every": args.sample_every,
            }
            first += count
            path = self.workdir / f"ws-worker-{number}.json"
            path.write_text(json.dumps(config))
            workers.append(
                self.processes.start(
                    f"ws-{number}", [PYTHON, __file__, "--ws-worker", str(path)], stdout=subprocess.PIPE
                )
            )
        http_task = asyncio.create_task(
            http_load(base, paths, rps=args.rps, start=connect_start, stop=stop_at, window=(window_start, window_end))
        )

        async def sample_rss(at: float, key: str) -> None:
            await asyncio.sleep(max(0.0, at - time.time()))
            rss[key] = rss_mb(self.server_pids())
            log(f"server RSS {key}: {rss[key]:.0f} MB (load average {load_average()})")

        samplers = [
            asyncio.create_task(sample_rss(window_start, "warm")),
            asyncio.create_task(sample_rss(window_end, "end")),
        ]
        while time.time() < stop_at:
            for name, root in self.server_roots.items():
                with contextlib.suppress(OSError):
                    os.kill(root, 0)
                    continue
                raise SystemExit(f"{name} exited during the soak:\n{self.processes.tail(name)}")
            await asyncio.sleep(min(5.0, max(0.1, stop_at - time.time())))
        await asyncio.gather(*samplers)
        http = await http_task
        results = []
        for number, worker in enumerate(workers):
            out, _ = await asyncio.to_thread(worker.communicate, timeout=120)
            if worker.returncode != 0:
                raise SystemExit(f"WebSocket worker {number} failed:\n{self.processes.tail(f'ws-{number}')}")
            results.append(json.loads(out.decode().strip().splitlines()[-1]))
        return self.report(results, http, rss, window=window_end - window_start, load_before=load_before)

    async def wait_live(self, ws_url: str, slugs: list[str]) -> None:
        """Until one /ws/status client has had a status from every printer (the bridge follows them all)."""
        from websockets.asyncio.client import connect

        seen: set[str] = set()
        deadline = time.monotonic() + 120
        async with connect(ws_url, compression=None, open_timeout=30) as websocket:
            while set(slugs) - seen:
                if time.monotonic() > deadline:
                    raise SystemExit(f"no status within 120 s from {sorted(set(slugs) - seen)}")
                with contextlib.suppress(TimeoutError):
                    head = HEAD.match(await asyncio.wait_for(websocket.recv(), 1))
                    if head and head.group(1) == "status":
                        seen.add(head.group(3))

    def report(self, results: list[dict], http: dict, rss: dict, *, window: float, load_before: str) -> dict:
        args = self.args
        ws_errors: Counter = Counter()
        for result in results:
            ws_errors.update(result["errors"])
        connected = sum(r["connected"] for r in results)
        reconnected = sum(r["reconnected"] for r in results)
        skipped: Counter = Counter()
        for result in results:
            for printer, step, clients in result["skipped"]:
                skipped[(printer, step)] += clients
        # A push every client that followed the window missed never went out (the bridge did not
        # broadcast it); one only some clients missed was lost on the way to them (the fan-out).
        steady = max(1, sum(r["steady"] for r in results))
        not_broadcast = sum(1 for clients in skipped.values() if clients >= steady)
        lost = sum(clients for clients in skipped.values() if clients < steady)
        duplicates = sum(r["duplicates"] for r in results)
        counts = [n for r in results for n in r["window_counts"]]
        broadcast = [v for r in results for v in r["broadcast_ms"]]
        push = [v for r in results for v in r["push_ms"]]
        http_lat = http["latencies"]
        growth = 100 * (rss["end"] - rss["warm"]) / rss["warm"]
        errors = sum(ws_errors.values()) + sum(http["errors"].values())

        def pcts(values: list[float]) -> str:
            if not values:
                return "none"
            return ", ".join(f"p{int(q * 100)} {percentile(values, q):.1f} ms" for q in (0.5, 0.9, 0.99)) + (
                f", max {max(values):.0f} ms"
            )

        expected = window * args.printers / args.push_interval
        measured = sum(counts) > 0  # no status reached a client in the window: nothing to judge gaps by

        def verdict(ok: bool) -> str:
            return ("met" if ok else "NOT met") if measured else "not measured (no status reached a client)"

        rows = [
            ("WebSocket clients connected / asked", f"{connected:,} / {args.clients:,} (after a failed handshake or a drop they connect again: {reconnected:,} reconnections)", "all", "met" if connected == args.clients else "NOT met"),
            ("Errors (WebSocket + HTTP)", f"{errors}" + (f": {'; '.join(f'{k} x{v}' for k, v in (ws_errors + Counter(http['errors'])).most_common(4))}" if errors else ""), "0", "met" if errors == 0 else "NOT met"),
            ("Lost statuses: a fake printer's push counter skipping for some clients (sum over clients)", f"{lost:,}", "0", verdict(lost == 0)),
            ("Pushes no client got (skipped for every client: not broadcast)", f"{not_broadcast:,} of about {expected:,.0f}", "0", verdict(not_broadcast == 0)),
            ("Duplicated statuses (seq not above the last, per client)", f"{duplicates:,}", "0", verdict(duplicates == 0)),
            ("Statuses per client in the window", f"min {min(counts, default=0):,}, max {max(counts, default=0):,} (about {expected:,.0f} expected: {args.printers} printers / {args.push_interval:g} s x {window:.0f} s); {sum(counts) / window:,.0f} messages/s to all clients", "(reported)", "-"),
            ("Broadcast -> client latency (receipt - seq)", pcts(broadcast) + f" ({len(broadcast):,} samples, every {args.sample_every}th client)", "(reported)", "-"),
            ("Fake printer push -> client latency", pcts(push), "(reported)", "-"),
            ("HTTP GET latency, mixed reads", pcts(http_lat) + f"; {http['sent'] / (args.minutes * 60 - 1):.0f} req/s sent ({len(http_lat):,} in the window)", "(reported)", "-"),
            ("Server RSS (web launcher + daphne processes" + (" + bridge" if self.mode == "scaled" else "") + ")", f"{rss['start']:.0f} MB at start, {rss['warm']:.0f} MB after warm-up, {rss['end']:.0f} MB at the end ({growth:+.1f} % after warm-up)", f"< {MEMORY_TARGET:g} % growth", "met" if growth < MEMORY_TARGET else "NOT met"),
        ]  # fmt: skip
        return {"rows": rows, "window": window, "load_before": load_before, "load_after": load_average()}


def describe(args, mode: str) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    layout = (
        "one daphne through klipperiwc_site.web, SQLite, the bridge inside it, in-process channel layer"
        if mode == "embedded"
        else f"{args.web_processes} daphne processes through klipperiwc_site.web, PostgreSQL, a Redis of its own, "
        "`manage.py run_bridge`"
    )
    printers = (
        f"{args.printers} printers over Moonraker's protocol: {args.real_moonrakers} real Moonraker with the stand-in "
        f"klippy, {args.printers - args.real_moonrakers} FakeMoonraker endpoints pushing every {args.push_interval:g} s"
    )
    return (
        f"`bench/soak.py --mode {mode} --minutes {args.minutes:g}` on {datetime.now(UTC).isoformat(timespec='seconds')} "
        f"({machine}; {layout}; {printers}; {args.clients:,} /ws/status clients in {args.client_processes} processes, "
        f"{args.rps:g} HTTP GET/s; everything on 127.0.0.1; {bridge_bench.code_version()})"
    )


def write_results(args, mode: str, outcome: dict) -> None:
    rows = outcome["rows"]
    header = ("measure", "result", "target", "")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
    print()
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    shorter = args.minutes < 10
    notes = [
        f"Load average before the run {outcome['load_before']}, at its end {outcome['load_after']}. The machine (2 cores) "
        "was shared with other work during the run (other people's tests and benches): latencies and the load "
        "average include their share."
        if args.shared
        else f"Load average before the run {outcome['load_before']}, at its end {outcome['load_after']}.",
        f"Window measured: {outcome['window']:.0f} s after a {min(args.ramp, args.minutes * 15):.0f} s ramp and {args.warmup} s warm-up."
        + (f" A SHORTER run than the issue's 10 minutes ({args.minutes:g} min)." if shorter else ""),
    ]
    for note in notes:
        print(f"  - {note}")
    if args.no_write:
        return
    mark, end = f"<!-- soak-{mode} -->", f"<!-- /soak-{mode} -->"
    lines = [
        mark,
        f"## Soak, {mode} mode",
        "",
        describe(args, mode) + ".",
        "",
        "| measure | result | target | |",
        "| --- | --- | --- | --- |",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        *(f"- {note}" for note in notes),
        end,
        "",
    ]
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    before, found, rest = text.partition(mark)
    if found:
        text = before.rstrip() + "\n" + rest.partition(end)[2].lstrip("\n")
    results.write_text(text.rstrip() + "\n\n" + "\n".join(lines))
    log("wrote bench/RESULTS.md")


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends the run like Ctrl-C: through the clean-up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("embedded", "scaled", "both"), default="both")
    parser.add_argument("--minutes", type=float, default=10.0, help="length of each run (default 10)")
    parser.add_argument("--clients", type=int, default=1000, help="/ws/status clients (default 1000)")
    parser.add_argument("--client-processes", type=int, default=2, help="processes the clients run in (default 2)")
    parser.add_argument("--rps", type=float, default=200.0, help="HTTP GETs per second (default 200)")
    parser.add_argument("--printers", type=int, default=20, help="bridged printers (default 20)")
    parser.add_argument("--real-moonrakers", type=int, default=1, help="of them real Moonraker (default 1)")
    parser.add_argument("--push-interval", type=float, default=1.0, help="seconds between a fake's pushes (default 1)")
    parser.add_argument("--web-processes", type=int, default=2, help="daphne processes in scaled mode (default 2)")
    parser.add_argument("--ramp", type=float, default=60.0, help="seconds over which the clients connect (default 60)")
    parser.add_argument("--warmup", type=int, default=60, help="seconds after the ramp before measuring (default 60)")
    parser.add_argument("--sample-every", type=int, default=10, help="latencies of every Nth client (default 10)")
    parser.add_argument("--shared", action="store_true", help="note that the machine was shared during the run")
    parser.add_argument("--keep-logs", type=Path, help="copy the server's, bridge's and clients' logs here")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--serve-fakes", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ws-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fakes:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_fakes(args.serve_fakes, args.push_interval))
        return
    if args.ws_worker:
        signal.signal(signal.SIGTERM, _interrupted)
        result = asyncio.run(ws_worker(json.loads(args.ws_worker.read_text())))
        print(json.dumps(result))
        return
    if not 0 <= args.real_moonrakers <= args.printers or args.printers < 1:
        raise SystemExit("--real-moonrakers must be between 0 and --printers (at least 1)")
    signal.signal(signal.SIGTERM, _interrupted)
    for mode in ("embedded", "scaled") if args.mode == "both" else (args.mode,):
        with tempfile.TemporaryDirectory(prefix=f"klipperiwc-soak-{mode}-") as tmp:
            soak = Soak(args, mode, Path(tmp))
            try:
                outcome = asyncio.run(soak.run())
            except BaseException:
                for name in ("web", "bridge", "fakes", "ws-0"):
                    print(f"--- {name} (last lines) ---\n{soak.processes.tail(name)}", file=sys.stderr)
                raise
            finally:
                soak.close()
        write_results(args, mode, outcome)


if __name__ == "__main__":
    main()
