"""Bridge benchmark: CPU, push -> /ws/status latency and rows written with many Moonraker printers;
GET /api/status beside real Moonraker's own object query.

    .venv/bin/python bench/bridge_bench.py            # full run (about 2 minutes)
    .venv/bin/python bench/bridge_bench.py --quick    # smaller farm, shorter windows
    PATH=<venv with py-spy>/bin:$PATH .venv/bin/python bench/bridge_bench.py --profile /tmp/prof --no-write

What runs, all on 127.0.0.1 (scaled mode):
- a fresh PostgreSQL database (TEST_POSTGRES_URL's server; dropped at the end) and a
  redis-server of its own on a free port;
- light fake Moonraker endpoints (status/sources/moonraker/testing.py's FakeMoonraker, not
  Moonraker), all in one process of their own behind one port, one path prefix per printer
  (``http://127.0.0.1:PORT/p007``); each answers the bridge's start-up calls and, once
  subscribed, pushes a notify_status_update diff every 250 ms the way Klipper times them
  (the next one 250 ms after the last one went; ``--grid`` keeps a fixed grid instead):
  temperatures moving, progress advancing, and its send time (time.time()) in
  display_status.message;
- ``manage.py run_bridge`` (the bridge alone in its process, so its CPU is its own;
  ``--bridge-script`` runs another script with the same command line, e.g. a copy of
  manage.py that patches the bridge first, to measure a fix) and one daphne process
  (BRIDGE_MODE=process);
- a /ws/status client in this process: latency = receive time - the send time in the message,
  split at the status's updated_at (when the bridge mapped the diff).

Measured at 50 and 200 printers over a window after warm-up: the bridge's CPU (utime + stime
from /proc/<pid>/stat) as a share of one core (and that of daphne, the fakes, Redis and the
database's PostgreSQL backends), the latency p50/p99, the rows written per second. Then real
Moonraker (scripts/moonraker_instance.py, .venv-moonraker) with the stand-in klippy: the bridge
follows it, and wrk (16 connections, --http-seconds each) measures GET /api/status?printer=<it>
from daphne against Moonraker's GET /printer/objects/query?webhooks&print_stats&extruder&heater_bed,
once with the stand-in answering at once and once with Klipper's query timing (a proxy between
Moonraker and the stand-in holds each query until the next 250 ms tick, as Klipper does).

Targets (issue #10): 200 printers under 50 % of one core; p99 < 100 ms at 50 printers.
Prints a table and writes its own section of bench/RESULTS.md (between <!-- bridge_bench -->
and <!-- /bridge_bench -->; the other sections are kept). Every process and the database it
started are gone at the end, also after an error, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
PROJECT_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "APP_ENV",
    "LOG_FILE",
    "PORT",
    "HOST",
    "WEB_PROCESSES",
    "WEB_REQUEST_THREADS",
    "BRIDGE_MODE",
    "STATUS_HISTORY_MIN_INTERVAL_MS",
)
MARK, END_MARK = "<!-- bridge_bench -->", "<!-- /bridge_bench -->"
API_KEY = "bench-moonraker-key"
PUSH_INTERVAL = 0.25  # 4 diffs a second, as Klipper's subscription pushes
FILENAME = "bench-cube.gcode"
STAMP = "bench t="  # display_status.message = STAMP + send time
CPU_TARGET = 50.0  # % of one core at the largest farm
LATENCY_TARGET_MS = 100.0  # p99 at the smallest farm
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"{datetime.now(UTC).isoformat(timespec='seconds')}  {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process (all its threads), in seconds; None when it is gone or not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command name: state is field 3, utime 14 and stime 15 (proc(5), counting from 1).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def started_at(pid: int) -> float | None:
    """When a process started, in seconds since boot (starttime, field 22 of /proc/<pid>/stat)."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]) / CLOCK_TICKS
    except OSError:
        return None


def uptime() -> float:
    return float(Path("/proc/uptime").read_text().split()[0])


def load_average() -> str:
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --- the fake Moonraker farm (runs in a process of its own: --serve-fakes) ---------------
def fake_objects(number: int) -> dict:
    from status.sources.moonraker.testing import ready_objects

    objects = ready_objects()
    objects["print_stats"].update(state="printing", filename=FILENAME, print_duration=600.0, total_duration=610.0)
    objects["virtual_sdcard"].update(progress=0.1, is_active=True, file_position=100_000)
    objects["display_status"].update(progress=0.1, message=f"{STAMP}0")
    objects["idle_timeout"].update(state="Printing")
    objects["extruder"].update(temperature=209.5, target=210.0, power=0.4)
    objects["heater_bed"].update(temperature=59.8, target=60.0, power=0.3)
    return objects


def fake_history(number: int, now: float) -> list[dict]:
    return [
        {
            "job_id": f"{number:06X}",
            "filename": FILENAME,
            "status": "in_progress",
            "start_time": now - 610,
            "end_time": None,
            "print_duration": 600.0,
            "total_duration": 610.0,
            "filament_used": 1200.0,
            "metadata": {"estimated_time": 3600, "filament_total": 6000.0, "layer_height": 0.2, "object_height": 20},
            "exists": True,
        }
    ]


async def serve_fakes(count: int, *, grid: bool = False) -> None:
    """``count`` FakeMoonraker models behind one websocket server; prints ``listening PORT``; runs until killed."""
    from status.sources.moonraker.testing import FakeMoonraker

    now = time.time()
    metadata = {
        FILENAME: {
            "filename": FILENAME,
            "size": 1_000_000,
            "modified": now - 3600,
            "estimated_time": 3600,
            "filament_total": 6000.0,
            "layer_height": 0.2,
            "object_height": 20,
            "slicer": "PrusaSlicer",
        }
    }
    fakes = {
        f"/p{n:03d}": FakeMoonraker(
            api_key=API_KEY, objects=fake_objects(n), history=fake_history(n, now), metadata=metadata
        )
        for n in range(count)
    }

    async def push(number: int, fake: FakeMoonraker) -> None:
        loop = asyncio.get_running_loop()
        rng = random.Random(number)  # noqa: S311 - a simulation
        await asyncio.sleep(rng.random() * PUSH_INTERVAL)  # printers out of step, as in a farm
        due, step = loop.time(), 0
        while True:
            # Klipper's reactor runs the subscription timer again 250 ms after it ran (so the gaps are
            # 250 ms plus its lateness); --grid keeps a fixed 250 ms grid instead (gaps 250 ms +- jitter).
            due = due + PUSH_INTERVAL if grid else loop.time() + PUSH_INTERVAL
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not fake.subscribers:
                continue
            step += 1
            progress = min(0.999, 0.1 + step * 0.0001)
            diff = {
                "extruder": {"temperature": round(210 + 0.8 * math.sin(step / 7) + rng.uniform(-0.1, 0.1), 2)},
                "heater_bed": {"temperature": round(60 + 0.3 * math.sin(step / 11), 2)},
                "temperature_sensor chamber": {"temperature": round(30 + step / 10_000, 2)},
                "virtual_sdcard": {"progress": progress, "file_position": 100_000 + step * 100},
                "print_stats": {"print_duration": 600.0 + step * PUSH_INTERVAL},
                "display_status": {"progress": progress, "message": f"{STAMP}{time.time():.6f}"},
            }
            await fake.push_status(diff)

    await serve_fake_farm(fakes, push)


async def serve_fake_farm(fakes: dict, push) -> None:
    """One websocket server for every fake printer, ``push(number, fake)`` running for each; prints ``listening PORT``."""
    from websockets.asyncio.server import serve
    from websockets.datastructures import Headers
    from websockets.http11 import Response

    # One server, many printers: the path prefix before /websocket picks the model, and the
    # model's own upgrade check and JSON-RPC handler do the rest (FakeMoonraker's, unchanged).
    def process_request(connection, request):
        fake = fakes.get(request.path.split("?", 1)[0].removesuffix("/websocket"))
        if fake is None:
            return Response(404, "Not Found", Headers([("Content-Type", "text/plain")]), b"no such printer\n")
        connection.fake = fake
        return fake._process_request(connection, request)

    async def handler(connection):
        await connection.fake._handle(connection)

    async with serve(
        handler,
        "127.0.0.1",
        0,
        process_request=process_request,
        compression=None,
        ping_interval=None,
        max_size=16 * 1024 * 1024,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        tasks = [asyncio.create_task(push(n, fake)) for n, fake in enumerate(fakes.values())]
        print(f"listening {port}", flush=True)
        await asyncio.gather(*tasks)


# --- the project's processes -------------------------------------------------------------
def project_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES}
    env.update({"LOG_FILE": "-", "LOG_LEVEL": "warning", "PYTHONUNBUFFERED": "1"})
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def django_shell(env: dict[str, str], code: str) -> str:
    return manage(env, "shell", "--no-imports", "-c", code)


class Processes:
    """Every process the bench started, stopped in reverse order (SIGTERM, then SIGKILL) on the way out."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
        output = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        kwargs.setdefault("cwd", ROOT)
        process = subprocess.Popen(command, env=env, stdout=kwargs.pop("stdout", output), stderr=output, **kwargs)
        process.log_file = output
        self.started.append((name, process))
        return process

    def stop(self, process: subprocess.Popen, timeout: float = 15) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        process.log_file.close()

    def stop_all(self) -> None:
        for _name, process in reversed(self.started):
            self.stop(process)
        self.started.clear()

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.workdir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def start_redis(processes: Processes) -> tuple[str, int]:
    import redis

    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed")
    port = free_port()
    # No persistence: a private, throw-away Redis, never the shared one on 6379.
    process = processes.start(
        "redis",
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=processes.workdir,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    wait_until(lambda: _pings(client), timeout=10, what="redis-server")
    client.close()
    return url, process.pid


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


def wait_until(condition, *, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


def http_answers(port: int, path: str = "/healthz") -> bool:
    """Any HTTP answer (the health report may be a 503 while a service warms up)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


def get_json(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, {}


class PostgresDatabase:
    def __init__(self) -> None:
        import psycopg

        self.base = POSTGRES_URL.replace("postgres://", "postgresql://", 1)
        self.name = f"bench_bridge_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.base, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = self.base.rsplit("/", 1)[0] + "/" + self.name
        self._conn = None

    def connection(self):
        import psycopg

        if self._conn is None:
            self._conn = psycopg.connect(self.url, autocommit=True)
        return self._conn

    def counts(self) -> dict[str, int]:
        tables = ("status_history", "temperature_history", "job_history")
        row = self.connection().execute(f"SELECT {', '.join(f'(SELECT count(*) FROM {t})' for t in tables)}").fetchone()
        return dict(zip(tables, row, strict=True))

    def backend_pids(self) -> list[int]:
        """The server processes serving the bench's database (the bridge's and daphne's), not this client's."""
        rows = self.connection().execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.name]
        )
        return [pid for (pid,) in rows]

    def drop(self) -> None:
        import psycopg

        if self._conn is not None:
            self._conn.close()
            self._conn = None
        with psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


CREATE_PRINTERS = """
from status.models import Printer, SourceKind
Printer.objects.filter(source_kind=SourceKind.DEMO).update(enabled=False)
Printer.objects.bulk_create(
    [Printer(slug=f"bench-{{n:03d}}", name=f"Bench {{n}}", source_kind=SourceKind.MOONRAKER,
             moonraker_url=f"http://127.0.0.1:{port}/p{{n:03d}}", api_key="{key}", tags=["bench"])
     for n in range({first}, {last})]
)
print(Printer.objects.filter(enabled=True).count())
"""
DISABLE_BENCH_PRINTERS = """
from status.models import Printer
print(Printer.objects.filter(slug__startswith="bench-").update(enabled=False))
"""
CREATE_REAL_PRINTER = """
from status.models import Printer, SourceKind
Printer.objects.create(slug="{slug}", name="Real Moonraker", source_kind=SourceKind.MOONRAKER,
                       moonraker_url="{url}", api_key="{key}")
"""


# --- the /ws/status client ------------------------------------------------------------------
class StatusClient:
    """Reads /ws/status (every printer) and keeps (receive time, raw text); parsed afterwards."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.received: list[tuple[float, str]] = []
        self.seen: set[str] = set()  # printers with a stamped message
        self.task: asyncio.Task | None = None
        self.error: BaseException | None = None

    async def run(self) -> None:
        from websockets.asyncio.client import connect

        try:
            async with connect(self.url, max_queue=None, compression=None) as websocket:
                async for text in websocket:
                    now = time.time()  # before any parsing: the client's own work is not the server's
                    self.received.append((now, text))
                    if STAMP in text:
                        self.seen.update(re.findall(r'"printer": "(bench-\d+)"', text))
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            self.error = exc

    def samples(self, since: float, until: float) -> tuple[list[tuple[float, float]], Counter]:
        """(push -> receipt, bridge's status time -> receipt) in s for each stamped message received in
        [since, until], and the messages per printer. The status time (payload updated_at) is when the
        bridge mapped the diff, so the pair splits the way into fake -> bridge and bridge -> client."""
        latencies, per_printer = [], Counter()
        for at, text in self.received:
            if not since <= at <= until:
                continue
            parsed = json.loads(text)
            # A list: several statuses in one frame (a bridge that batches its broadcasts).
            for message in parsed if isinstance(parsed, list) else [parsed]:
                payload = message.get("payload") or {}
                stamp = payload.get("message") or ""
                if message.get("type") == "status" and STAMP in stamp:
                    sent = float(stamp.rsplit(STAMP, 1)[1])
                    if sent:
                        mapped = datetime.fromisoformat(payload["updated_at"]).timestamp()
                        latencies.append((at - sent, at - mapped))
                        per_printer[message["printer"]] += 1
        return latencies, per_printer


# --- py-spy (optional) ------------------------------------------------------------------------
def py_spy_record(pid: int, seconds: int, out: Path) -> subprocess.Popen | None:
    """Sample the bridge's threads while they run on a CPU (py-spy from PATH); None without py-spy."""
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        log("py-spy is not on PATH; no profile")
        return None
    return subprocess.Popen(
        [py_spy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "250", "--format", "raw",
         "--threads", "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def summarize_profile(raw: Path, top: int = 30) -> str:
    """Samples per function (self and inclusive) of a py-spy raw (collapsed) file, busiest first."""
    own, total, threads, samples = Counter(), Counter(), Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
        if frames[0].startswith(("thread ", "process ")):
            threads[frames[0].split(" (")[0] + " " + (frames[1] if len(frames) > 1 else "")] += int(count)
            frames = frames[1:]
        if not frames:
            continue
        samples += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            total[frame] += int(count)
    if not samples:
        return "no samples"
    lines = [f"on-CPU samples: {samples}", "by thread (first frame):"]
    lines += [f"  {100 * n / samples:5.1f}%  {name}" for name, n in threads.most_common(8)]
    lines += ["self:"]
    lines += [f"  {100 * n / samples:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    lines += ["inclusive:"]
    lines += [f"  {100 * n / samples:5.1f}%  {frame}" for frame, n in total.most_common(top * 2)]
    return "\n".join(lines)


# --- Klipper's query timing between Moonraker and the stand-in --------------------------------
class QueryTickProxy:
    """A unix-socket proxy between Moonraker and the stand-in klippy that can hold ``objects/query``
    requests until the next 250 ms tick, as Klipper's QueryStatusHelper does.

    Klipper answers a query in its next subscription round (``_do_query``, every
    SUBSCRIPTION_REFRESH_TIME = 0.25 s while anything is subscribed, and Moonraker always
    is), so one connection asking in a loop gets about 4 answers a second. The stand-in
    answers at once. ``tick = True`` gives Klipper's timing; False passes everything through.
    Runs on an event loop in a thread of its own.
    """

    def __init__(self, listen: Path, upstream: Path) -> None:
        import threading

        self.listen, self.upstream = listen, upstream
        self.tick = False
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="query-tick-proxy", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(10)

    def stop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(asyncio.start_unix_server(self._serve, path=str(self.listen)))
        self._epoch = self._loop.time()
        self._ready.set()
        self._loop.run_forever()

    def _until_tick(self) -> float:
        elapsed = self._loop.time() - self._epoch
        return PUSH_INTERVAL - elapsed % PUSH_INTERVAL

    async def _serve(self, down_reader, down_writer) -> None:
        try:
            up_reader, up_writer = await asyncio.open_unix_connection(str(self.upstream))
        except OSError:
            down_writer.close()
            return
        lock = asyncio.Lock()

        async def forward(message: bytes) -> None:
            async with lock:
                up_writer.write(message)
                await up_writer.drain()

        async def held(message: bytes) -> None:
            await asyncio.sleep(self._until_tick())
            await forward(message)

        async def upward() -> None:
            pending, buffer = set(), b""
            while chunk := await down_reader.read(65536):
                buffer += chunk
                *messages, buffer = buffer.split(b"\x03")
                for message in messages:
                    frame = message + b"\x03"
                    if self.tick and b'"objects/query"' in message:
                        task = asyncio.ensure_future(held(frame))
                        pending.add(task)
                        task.add_done_callback(pending.discard)
                    else:
                        await forward(frame)
            up_writer.close()

        async def downward() -> None:
            while chunk := await up_reader.read(65536):
                down_writer.write(chunk)
                await down_writer.drain()
            down_writer.close()

        with contextlib.suppress(OSError, ConnectionError):
            await asyncio.gather(upward(), downward())
        for writer in (up_writer, down_writer):
            writer.close()


def moonraker_through_proxy(workdir: Path):
    """A MoonrakerInstance whose Moonraker reaches the stand-in through a QueryTickProxy."""
    from scripts import moonraker_instance as harness

    instance = harness.MoonrakerInstance(workdir)
    proxy_socket = instance.klippy_socket.with_name("klippy-proxy.sock")
    instance.config_path.write_text(
        harness.CONFIG.format(host=harness.HOST, port=instance.port, klippy_socket=proxy_socket), encoding="utf-8"
    )
    instance.proxy = QueryTickProxy(proxy_socket, instance.klippy_socket)
    instance.proxy.start()
    return instance


# --- wrk ------------------------------------------------------------------------------------
def wrk(url: str, seconds: int, headers: dict[str, str] | None = None) -> dict:
    command = ["wrk", "-t1", "-c16", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    # Warm up under the same load first (thread pools, caches, first-call paths).
    subprocess.run([*command[:4], "-d2s", *command[5:], url], capture_output=True, check=True)
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout

    def latency(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50%"),
        "p99": latency("99%"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


# --- the run --------------------------------------------------------------------------------
class Bench:
    def __init__(self, args, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.processes = Processes(workdir)
        self.rows: list[tuple[str, str, str, str]] = []
        self.notes: list[str] = []
        self.database: PostgresDatabase | None = None
        self.moonraker = None

    def close(self) -> None:
        self.processes.stop_all()
        if self.args.keep_logs:
            self.args.keep_logs.mkdir(parents=True, exist_ok=True)
            for path in self.workdir.glob("*.log"):
                shutil.copy(path, self.args.keep_logs / path.name)
        if self.moonraker is not None:
            self.moonraker.stop()
            self.moonraker.proxy.stop()
        if self.database is not None:
            self.database.drop()
            log(f"dropped database {self.database.name}")

    async def run(self) -> None:
        args = self.args
        farms = sorted(args.printers)
        log(f"load average before the run: {load_average()}")
        self.load_before = load_average()
        self.database = await asyncio.to_thread(PostgresDatabase)
        redis_url, redis_pid = await asyncio.to_thread(start_redis, self.processes)
        self.env = env = project_env(
            DATABASE_URL=self.database.url, REDIS_URL=redis_url, BRIDGE_MODE="process", LOG_LEVEL=args.log_level
        )
        log(f"migrating {self.database.name}")
        await asyncio.to_thread(manage, env, "migrate", "--noinput")

        fakes = self.processes.start(
            "fakes",
            [
                PYTHON,
                str(Path(__file__).resolve()),
                "--serve-fakes",
                str(farms[-1]),
                *(["--grid"] if args.grid else []),
            ],
            stdout=subprocess.PIPE,
        )
        line = await asyncio.to_thread(fakes.stdout.readline)
        if not line.startswith(b"listening "):
            raise SystemExit(f"the fake endpoints did not start:\n{self.processes.tail('fakes')}")
        fake_port = int(line.split()[1])
        log(f"{farms[-1]} fake Moonraker endpoints on 127.0.0.1:{fake_port}/pNNN (pid {fakes.pid})")

        await asyncio.to_thread(
            django_shell, env, CREATE_PRINTERS.format(port=fake_port, key=API_KEY, first=0, last=farms[0])
        )
        daphne_port = free_port()
        daphne = self.processes.start(
            "daphne", [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(daphne_port), "klipperiwc_site.asgi:application"], env
        )  # fmt: skip
        self.daphne_url, self.daphne_pid = f"http://127.0.0.1:{daphne_port}", daphne.pid
        await asyncio.to_thread(wait_until, lambda: http_answers(daphne_port), timeout=30, what="daphne")
        script = str(args.bridge_script or "manage.py")
        bridge = self.processes.start("bridge", [PYTHON, script, "run_bridge", "--holder", "bench"], env)
        self.bridge = bridge
        client = StatusClient(f"ws://127.0.0.1:{daphne_port}/ws/status")
        client.task = asyncio.create_task(client.run())
        watched = {"bridge": bridge.pid, "daphne": daphne.pid, "fakes": fakes.pid, "redis": redis_pid}

        created = farms[0]
        for farm in farms:
            if farm > created:
                await asyncio.to_thread(
                    django_shell, env, CREATE_PRINTERS.format(port=fake_port, key=API_KEY, first=created, last=farm)
                )
                created = farm
            log(f"{farm} printers: waiting until /ws/status carries every one of them")
            began = time.monotonic()
            while len({p for p in client.seen if int(p.split("-")[1]) < farm}) < farm:
                if client.task.done():
                    raise SystemExit(f"the /ws/status client stopped: {client.error!r}")
                if bridge.poll() is not None:
                    raise SystemExit(f"the bridge exited:\n{self.processes.tail('bridge')}")
                if time.monotonic() - began > 90:
                    raise SystemExit(
                        f"only {len(client.seen)} of {farm} printers reached /ws/status in 90 s\n"
                        f"{self.processes.tail('bridge')}"
                    )
                await asyncio.sleep(0.2)
            log(f"{farm} printers live after {time.monotonic() - began:.1f} s; warming up {args.warmup} s")
            await asyncio.sleep(args.warmup)
            await self.measure(farm, client, watched)

        if not args.skip_moonraker:
            await self.side_by_side(fakes)
        client.task.cancel()
        await asyncio.gather(client.task, return_exceptions=True)

    async def measure(self, farm: int, client: StatusClient, watched: dict[str, int]) -> None:
        window = self.args.window
        profile = None
        if self.args.profile:
            self.args.profile.mkdir(parents=True, exist_ok=True)
            profile = self.args.profile / f"bridge-{farm}.txt"
            spy = py_spy_record(watched["bridge"], window, profile)
        pg_pids = await asyncio.to_thread(self.database.backend_pids)
        rows_before = await asyncio.to_thread(self.database.counts)
        cpu_before = {name: cpu_seconds(pid) for name, pid in watched.items()}
        pg_before = {pid: cpu_seconds(pid) for pid in pg_pids}
        started_wall, started, booted_for = time.time(), time.monotonic(), uptime()
        await asyncio.sleep(window)
        elapsed = time.monotonic() - started
        ended_wall = time.time()
        cpu_after = {name: cpu_seconds(pid) for name, pid in watched.items()}
        # Backends come and go (connections are reused for DATABASE_CONN_MAX_AGE): one that started
        # during the window counts whole; one that ended during it is missed (so this is a lower bound).
        for pid in await asyncio.to_thread(self.database.backend_pids):
            if pid not in pg_before and (started_at(pid) or 0) >= booted_for:
                pg_pids.append(pid)
                pg_before[pid] = 0.0
        pg_after = {pid: cpu_seconds(pid) for pid in pg_pids}
        rows_after = await asyncio.to_thread(self.database.counts)
        load = load_average()

        share = {
            name: 100 * (cpu_after[name] - cpu_before[name]) / elapsed
            for name in watched
            if cpu_before[name] is not None and cpu_after[name] is not None
        }
        pg_readable = [pid for pid in pg_pids if pg_before[pid] is not None and pg_after[pid] is not None]
        pg_share = 100 * sum(pg_after[p] - pg_before[p] for p in pg_readable) / elapsed if pg_readable else None
        rates = {table: (rows_after[table] - rows_before[table]) / elapsed for table in rows_after}
        pairs, per_printer = await asyncio.to_thread(client.samples, started_wall, ended_wall)
        if self.args.dump:
            self.args.dump.mkdir(parents=True, exist_ok=True)
            window_messages = [item for item in client.received if started_wall <= item[0] <= ended_wall]
            (self.args.dump / f"ws-{farm}.json").write_text(json.dumps(window_messages))
        latencies = [total for total, _ in pairs]
        onward = [after for _, after in pairs]
        if not latencies:
            last = client.received[-1] if client.received else None
            raise SystemExit(
                f"no stamped /ws/status messages in the {farm}-printer window ({len(client.received)} received "
                f"in all; last {str(last)[:300]})"
            )
        p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
        messages = sum(per_printer.values()) / elapsed
        log(
            f"{farm} printers: bridge {share['bridge']:.1f} % of a core; latency p50 {p50:.1f} ms p99 {p99:.1f} ms "
            f"(max {max(latencies) * 1000:.0f} ms, {len(latencies)} messages; bridge's status -> client p50 "
            f"{percentile(onward, 0.5) * 1000:.1f} ms p99 {percentile(onward, 0.99) * 1000:.1f} ms); load {load}"
        )
        if profile is not None and spy is not None:
            await asyncio.to_thread(spy.wait, window + 30)
            if profile.exists():
                (self.args.profile / f"bridge-{farm}-summary.txt").write_text(summarize_profile(profile))
                log(f"py-spy profile: {profile} (summary beside it)")
            self.notes.append(f"{farm} printers measured under py-spy sampling (adds some CPU to the bridge).")

        largest, smallest = max(self.args.printers), min(self.args.printers)
        self.rows.append(
            (
                f"Bridge CPU, {farm} printers x 4 diffs/s (share of one core)",
                f"{share['bridge']:.1f} %",
                f"< {CPU_TARGET:.0f} % at {largest}" if farm == largest else "(reported)",
                ("met" if share["bridge"] < CPU_TARGET else "missed") if farm == largest else "-",
            )
        )
        self.rows.append(
            (
                f"Push -> /ws/status client latency, {farm} printers (one client, all printers)",
                f"p50 {p50:.1f} ms; p99 {p99:.1f} ms; max {max(latencies) * 1000:.0f} ms "
                f"(of which bridge's status -> client p50 {percentile(onward, 0.5) * 1000:.1f} ms, "
                f"p99 {percentile(onward, 0.99) * 1000:.1f} ms); "
                f"{messages:,.0f} messages/s ({messages / farm:.2f} per printer)",
                f"p99 < {LATENCY_TARGET_MS:.0f} ms at {smallest}" if farm == smallest else "(reported)",
                ("met" if p99 < LATENCY_TARGET_MS else "missed") if farm == smallest else "-",
            )
        )
        self.rows.append(
            (
                f"Rows written, {farm} printers",
                f"{rates['status_history']:,.0f} status + {rates['temperature_history']:,.0f} temperature + "
                f"{rates['job_history']:,.0f} job rows/s",
                "(reported; 1 snapshot/s per printer at STATUS_HISTORY_MIN_INTERVAL_MS=1000)",
                "-",
            )
        )
        others = "; ".join(
            [f"{name} {share[name]:.0f} %" for name in ("daphne", "fakes", "redis") if name in share]
            + ([f"PostgreSQL backends of its database >= {pg_share:.0f} %"] if pg_share is not None else [])
        )
        self.rows.append((f"Other processes, {farm} printers (share of one core)", others, "(reported)", "-"))
        self.notes.append(f"{farm}-printer window: {elapsed:.0f} s, load average at its end {load}.")

    async def side_by_side(self, fakes: subprocess.Popen) -> None:
        from scripts.moonraker_instance import moonraker_available, moonraker_bin

        ok, reason = moonraker_available()
        if not ok:
            self.rows.append(("GET /api/status vs Moonraker's /printer/objects/query", "n/a", "(reported)", reason))
            log(f"real Moonraker not available ({reason}): {moonraker_bin()}")
            return
        seconds = self.args.http_seconds
        log("stopping the fake farm; starting real Moonraker with the stand-in klippy")
        await asyncio.to_thread(django_shell, self.env, DISABLE_BENCH_PRINTERS)
        self.processes.stop(fakes)
        self.moonraker = mr = moonraker_through_proxy(self.workdir / "moonraker")
        await asyncio.to_thread(mr.start)
        slug = "moonraker-real"
        await asyncio.to_thread(
            django_shell, self.env, CREATE_REAL_PRINTER.format(slug=slug, url=mr.url, key=mr.api_key)
        )
        ours = f"{self.daphne_url}/api/status?printer={slug}"

        def followed():
            code, body = get_json(ours)
            return code == 200 and body.get("state") not in (None, "offline") and body.get("temperatures")

        await asyncio.to_thread(wait_until, followed, timeout=30, what="the bridge to follow real Moonraker")
        query = f"{mr.url}/printer/objects/query?webhooks&print_stats&extruder&heater_bed"
        code, body = await asyncio.to_thread(get_json, query, {"X-Api-Key": mr.api_key})
        if code != 200 or "extruder" not in body.get("result", {}).get("status", {}):
            raise SystemExit(f"Moonraker's object query answered {code}: {body}")
        key = {"X-Api-Key": mr.api_key}
        log(f"wrk, 16 connections, {seconds} s each: our GET /api/status?printer={slug}, then Moonraker's query")
        spy = None
        if self.args.profile:
            spy = py_spy_record(self.daphne_pid, seconds + 3, self.args.profile / "daphne-api-status.txt")
        ours_result = await asyncio.to_thread(wrk, ours, seconds)
        if spy is not None:
            await asyncio.to_thread(spy.wait, 60)
            raw = self.args.profile / "daphne-api-status.txt"
            if raw.exists():
                (self.args.profile / "daphne-api-status-summary.txt").write_text(summarize_profile(raw))
        results = [
            (f"GET /api/status?printer={slug} (1 daphne, Redis; from the latest status)", ours_result),
            ("Moonraker GET /printer/objects/query?webhooks&print_stats&extruder&heater_bed, the stand-in answering at once",
             await asyncio.to_thread(wrk, query, seconds, key)),
        ]  # fmt: skip
        mr.proxy.tick = True
        results.append(
            (
                "The same Moonraker query with Klipper's query timing (answered at klippy's next 250 ms tick)",
                await asyncio.to_thread(wrk, query, seconds, key),
            )
        )
        mr.proxy.tick = False
        for label, result in results:
            errors = f"; {result['non_2xx']} non-2xx" if result["non_2xx"] else ""
            self.rows.append(
                (
                    f"{label}, 16 connections",
                    f"{result['rps']:,.0f} req/s; p50 {result['p50']:.1f} ms; p99 {result['p99']:.1f} ms{errors}",
                    "(reported)",
                    "-",
                )
            )
        our = results[0][1]
        self.rows.append(
            (
                "Ratio: our GET /api/status to Moonraker's object query (same printer)",
                " / ".join(
                    f"{our['rps'] / result['rps']:.1f}x the requests/s {when}"
                    for when, (_, result) in zip(("(stand-in at once)", "(Klipper's timing)"), results[1:], strict=True)
                ),
                "(reported)",
                "-",
            )
        )


def write_results(rows, notes, *, quick: bool, load_before: str, version: str, write: bool = True) -> None:
    header = ("measure", "result", "target", "")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    for note in notes:
        print(f"  - {note}")
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    lines = [
        MARK,
        "## Bridge with many Moonraker printers",
        "",
        f"`bench/bridge_bench.py{' --quick' if quick else ''}` on {datetime.now(UTC).isoformat(timespec='seconds')}"
        f" ({machine}; scaled mode: `manage.py run_bridge`, one daphne, PostgreSQL, a Redis of its own;"
        " fake Moonraker endpoints in a process of their own, 4 diffs/s each; everything on 127.0.0.1;"
        f" load average before the run {load_before}; {version}).",
        "",
        "| measure | result | target | |",
        "| --- | --- | --- | --- |",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        *(f"- {note}" for note in notes),
        END_MARK,
        "",
    ]
    if not write:
        return
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    # Only our section is replaced (wherever it is); it goes last, after the others.
    before, found, rest = text.partition(MARK)
    if found:
        text = before.rstrip() + "\n" + rest.partition(END_MARK)[2].lstrip("\n")
    results.write_text(text.rstrip() + "\n\n" + "\n".join(lines))
    log("wrote bench/RESULTS.md")


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends the run like Ctrl-C: through the clean-up in main()


def code_version() -> str:
    """The commit measured, and whether the bridge's code differs from it in the work tree."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "diff", "--quiet", "HEAD", "--", "status", "klipperiwc_site"], cwd=ROOT, check=False
        ).returncode
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {commit}" + (" with uncommitted changes under status/ or klipperiwc_site/" if changed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20 and 50 printers, short windows")
    parser.add_argument("--printers", type=int, nargs="+", help="farm sizes (default 50 200)")
    parser.add_argument("--window", type=int, help="seconds measured per farm size (default 25)")
    parser.add_argument("--warmup", type=int, help="seconds after every printer is live (default 8)")
    parser.add_argument("--http-seconds", type=int, help="wrk run per server (default 10)")
    parser.add_argument("--skip-moonraker", action="store_true", help="no side-by-side with real Moonraker")
    parser.add_argument("--profile", type=Path, help="record py-spy profiles of the bridge into this folder")
    parser.add_argument(
        "--bridge-script",
        type=Path,
        help="run the bridge as `python SCRIPT run_bridge` (default manage.py; e.g. a copy that patches it first)",
    )
    parser.add_argument("--log-level", default="warning", help="LOG_LEVEL of the bridge and daphne (default warning)")
    parser.add_argument("--keep-logs", type=Path, help="copy the bridge's, daphne's and the fakes' logs here")
    parser.add_argument("--dump", type=Path, help="write the /ws/status messages of each window here (ws-N.json)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--grid", action="store_true", help="fake pushes on a fixed 250 ms grid (not Klipper's way)")
    parser.add_argument("--serve-fakes", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fakes:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_fakes(args.serve_fakes, grid=args.grid))
        return
    args.printers = args.printers or ([20, 50] if args.quick else [50, 200])
    args.window = args.window or (8 if args.quick else 25)
    args.warmup = args.warmup or (3 if args.quick else 8)
    args.http_seconds = args.http_seconds or (3 if args.quick else 10)
    if shutil.which("wrk") is None and not args.skip_moonraker:
        raise SystemExit("wrk is not installed (apt-get install wrk), or pass --skip-moonraker")

    with tempfile.TemporaryDirectory(prefix="klipperiwc-bridge-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        signal.signal(signal.SIGTERM, _interrupted)
        try:
            asyncio.run(bench.run())
        except BaseException:
            for name in ("bridge", "daphne", "fakes"):
                print(f"--- {name} (last lines) ---\n{bench.processes.tail(name)}", file=sys.stderr)
            raise
        finally:
            bench.close()
    write_results(
        bench.rows,
        bench.notes,
        quick=args.quick,
        load_before=bench.load_before,
        version=code_version(),
        write=not args.no_write,
    )


if __name__ == "__main__":
    main()
