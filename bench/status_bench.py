"""Status benchmarks: API throughput, history ingest, WebSocket fan-out, 30-day chart query.

    .venv/bin/python bench/status_bench.py            # full run (a few minutes)
    .venv/bin/python bench/status_bench.py --quick    # smaller numbers, for a smoke test

Prints a table and writes bench/RESULTS.md. Targets (issue #3): GET /api/status
>= 1,000 req/s with p99 < 50 ms at 16 connections; >= 1,000 snapshots/s ingest
on SQLite; a broadcast reaches all 500 WebSocket clients with p99 < 250 ms; the
30-day temperature chart query < 300 ms. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
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
)


def log(message: str) -> None:
    print(f"{datetime.now(UTC).isoformat(timespec='seconds')}  {message}", flush=True)


def project_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES}
    env.update({"LOG_FILE": "-", "LOG_LEVEL": "warning", "PYTHONUNBUFFERED": "1"}, **overrides)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 900) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Daphne:
    """The web server as deploy.sh runs it (klipperiwc_site/web.py): WEB_PROCESSES daphne processes."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "klipperiwc_site.web", "-b", "127.0.0.1", "-p", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("daphne did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def redis_available() -> bool:
    host, port = REDIS_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


# --- 1. GET /api/status under load -------------------------------------------------
def bench_http(daphne: Daphne, seconds: int) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"error": "wrk not installed (apt-get install wrk)"}
    urllib.request.urlopen(f"{daphne.url}/api/status").read()
    # Warm up under the same load first (thread pool, database and page caches,
    # first-call code paths); the measurement is of the steady state.
    subprocess.run([wrk, "-t1", "-c16", "-d3s", f"{daphne.url}/api/status"], capture_output=True, check=True)
    output = subprocess.run(
        # One wrk thread is plenty at these rates and leaves the cores to the server.
        [wrk, "-t1", "-c16", f"-d{seconds}s", "--latency", f"{daphne.url}/api/status"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency("50%"),
        "p99_ms": latency("99%"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


# --- 2. history ingest --------------------------------------------------------------
INGEST = """
import time
from status.models import Printer
from status.services import snapshot_record, snapshots_record
from status.tests.factories import make_status
from datetime import timedelta
from django.utils import timezone
start = timezone.now()
printer = Printer.objects.create(slug="ingest", name="Ingest")
count, began = 0, time.perf_counter()
while time.perf_counter() - began < {seconds}:
    snapshot_record(printer=printer, status=make_status(start + timedelta(seconds=count), jobs=1, queued=2))
    count += 1
single = count / (time.perf_counter() - began)
farm = [Printer.objects.create(slug=f"farm-{{n}}", name="Farm") for n in range(50)]
count, began = 0, time.perf_counter()
while time.perf_counter() - began < {seconds}:
    at = start + timedelta(seconds=count)
    snapshots_record(items=[(p, make_status(at, jobs=1, queued=2)) for p in farm])
    count += 1
print(single, count * len(farm) / (time.perf_counter() - began))
"""


def bench_ingest(env: dict[str, str], seconds: int) -> tuple[float, float]:
    """(snapshots/s one per transaction, snapshots/s in batches of 50 printers)."""
    manage(env, "migrate", "--noinput")
    single, batched = manage(env, "shell", "--no-imports", "-c", INGEST.format(seconds=seconds)).split()[-2:]
    return float(single), float(batched)


# --- 3. WebSocket fan-out -----------------------------------------------------------
async def _fan_out(url: str, clients: int, rounds: int) -> list[float]:
    from websockets.asyncio.client import connect

    ws_url = url.replace("http://", "ws://") + "/ws/status?printer=demo"
    sockets = []
    for _ in range(clients):
        sockets.append(await connect(ws_url, max_queue=None))
    await asyncio.sleep(1.0)
    for websocket in sockets:  # drain the snapshot each client gets on connect
        while True:
            try:
                await asyncio.wait_for(websocket.recv(), timeout=0.05)
            except TimeoutError:
                break
    latencies: list[float] = []
    loop = asyncio.get_running_loop()
    for round_number in range(rounds + 1):  # round 0 warms up and is not counted
        started = time.perf_counter()
        await loop.run_in_executor(None, lambda: urllib.request.urlopen(f"{url}/api/status").read())

        async def receive(websocket, started=started):
            # Time taken on arrival; parsing comes after, so the client's own
            # work for the other 499 sockets does not count against the server.
            while True:
                text = await websocket.recv()
                arrived = time.perf_counter() - started
                if json.loads(text)["type"] == "status":
                    return arrived

        arrivals = await asyncio.gather(*(receive(ws) for ws in sockets))
        if round_number:
            latencies.extend(arrivals)
        await asyncio.sleep(0.2)
    for websocket in sockets:
        await websocket.close()
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- 4. 30-day chart query ----------------------------------------------------------
SEED_30_DAYS = """
import time
from django.db import connection
from status.models import Printer, StatusSnapshot
from django.utils import timezone
from datetime import timedelta
seconds = {seconds}
printer = Printer.objects.create(slug="month", name="Month")
end = timezone.now().replace(microsecond=0)
start = end - timedelta(seconds=seconds)
anchor = StatusSnapshot.objects.create(printer=printer, recorded_at=start, state="idle")
began = time.perf_counter()
with connection.cursor() as cursor:
    if connection.vendor == "sqlite":
        cursor.execute('''
            WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < %s)
            INSERT INTO temperature_history (snapshot_id, printer_id, recorded_at, component, actual, target)
            SELECT %s, %s, datetime(%s, '+' || n || ' seconds'), c.name, c.base + (n %% 600) / 60.0, c.target
            FROM s, (SELECT 'extruder' AS name, 200.0 AS base, 215.0 AS target
                     UNION ALL SELECT 'heater_bed', 55.0, 60.0 UNION ALL SELECT 'chamber', 30.0, NULL) AS c
        ''', [seconds - 1, anchor.pk, printer.pk, start.strftime("%Y-%m-%d %H:%M:%S")])
    else:
        cursor.execute('''
            INSERT INTO temperature_history (snapshot_id, printer_id, recorded_at, component, actual, target)
            SELECT %s, %s, %s::timestamptz + n * interval '1 second', c.name, c.base + (n %% 600) / 60.0, c.target
            FROM generate_series(0, %s) AS n,
                 (VALUES ('extruder', 200.0, 215.0), ('heater_bed', 55.0, 60.0), ('chamber', 30.0, NULL))
                 AS c(name, base, target)
        ''', [anchor.pk, printer.pk, start, seconds - 1])
    for resolution in (60, 600, 3600):
        slot = (f"datetime((unixepoch(recorded_at) / {{resolution}}) * {{resolution}}, 'unixepoch')"
                if connection.vendor == "sqlite"
                else f"to_timestamp(floor(extract(epoch from recorded_at) / {{resolution}}) * {{resolution}})")
        cursor.execute(f'''
            INSERT INTO temperature_history_rollup
                (printer_id, component, resolution, start, samples, total, low, high, last_target, last_at)
            SELECT printer_id, component, {{resolution}}, {{slot}}, COUNT(*), SUM(actual), MIN(actual),
                   MAX(actual), MAX(target), MAX(recorded_at)
            FROM temperature_history WHERE printer_id = %s GROUP BY printer_id, component, {{slot}}
        ''', [printer.pk])
    cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE temperature_history_rollup")
print(time.perf_counter() - began, start.isoformat(), end.isoformat())
"""


def bench_chart_query(url: str, since: str, until: str, repeats: int = 7) -> dict:
    from urllib.parse import urlencode

    timings = {}
    for points in (500, 2000):
        query = urlencode({"printer": "month", "since": since, "until": until, "points": points})
        samples = []
        for _ in range(repeats):
            began = time.perf_counter()
            with urllib.request.urlopen(f"{url}/api/history/temperatures?{query}", timeout=60) as response:
                body = json.load(response)
            samples.append((time.perf_counter() - began) * 1000)
        assert len(body["series"]["extruder"]) == points, len(body["series"]["extruder"])
        timings[points] = statistics.median(samples)
    return timings


def postgres_database() -> tuple[str, callable] | None:
    try:
        import psycopg

        base = POSTGRES_URL.replace("postgres://", "postgresql://", 1)
        name = f"klipperiwc_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # a benchmark without PostgreSQL still reports SQLite
        log(f"PostgreSQL not available ({exc}); skipping its rows")
        return None

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return base.rsplit("/", 1)[0] + "/" + name, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short runs and a 1-day data set")
    args = parser.parse_args()
    http_seconds, ingest_seconds = (3, 3) if args.quick else (15, 10)
    clients, rounds = (100, 5) if args.quick else (500, 20)
    history_seconds = 86400 if args.quick else 30 * 86400

    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="klipperiwc-bench-") as tmp:
        sqlite_env = project_env(DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3")
        log("migrating the SQLite database")
        manage(sqlite_env, "migrate", "--noinput")

        http_setups = [("1 daphne, SQLite, embedded", sqlite_env)]
        if redis_available():
            # Scaled mode on this machine: two daphne processes (one per core) with Redis.
            http_setups.append(
                (
                    "2 daphne processes, SQLite + Redis",
                    {**sqlite_env, "REDIS_URL": REDIS_URL, "WEB_PROCESSES": "2", "WEB_REQUEST_THREADS": "2"},
                )
            )
        for label, env in http_setups:
            log(f"1/4 GET /api/status, 16 connections, {http_seconds} s (wrk): {label}")
            daphne = Daphne(env)
            try:
                http = bench_http(daphne, http_seconds)
            finally:
                daphne.stop()
            if "error" in http:
                rows.append(
                    (
                        f"GET /api/status at 16 connections ({label})",
                        "n/a",
                        ">= 1,000 req/s, p99 < 50 ms",
                        http["error"],
                    )
                )
                continue
            rows.append(
                (
                    f"GET /api/status at 16 connections ({label})",
                    f"{http['requests_per_second']:,.0f} req/s; p50 {http['p50_ms']:.1f} ms; p99 {http['p99_ms']:.1f} ms",
                    ">= 1,000 req/s, p99 < 50 ms",
                    "met" if http["requests_per_second"] >= 1000 and http["p99_ms"] < 50 else "missed",
                )
            )

        log(f"2/4 history ingest, {ingest_seconds} s each")
        ingest_env = project_env(DATABASE_URL=f"sqlite:///{tmp}/ingest.sqlite3")
        single, batched = bench_ingest(ingest_env, ingest_seconds)
        rows.append(
            (
                "History ingest, SQLite, 3 temperatures + 3 jobs each: one per transaction / 50 printers per transaction",
                f"{single:,.0f} / {batched:,.0f} snapshots/s",
                ">= 1,000 snapshots/s",
                "met (batched)" if batched >= 1000 else "missed",
            )
        )
        postgres = postgres_database()
        if postgres:
            url, drop = postgres
            try:
                pg_single, pg_batched = bench_ingest(project_env(DATABASE_URL=url), ingest_seconds)
            finally:
                drop()
            rows.append(
                (
                    "History ingest, PostgreSQL: one per transaction / 50 printers per transaction",
                    f"{pg_single:,.0f} / {pg_batched:,.0f} snapshots/s",
                    "(reported)",
                    "-",
                )
            )

        log(f"3/4 WebSocket fan-out to {clients} clients, {rounds} broadcasts")
        fan_env = {**sqlite_env, "STATUS_HISTORY_MIN_INTERVAL_MS": "0", "STATUS_WS_MAX_MESSAGES_PER_MINUTE": "600"}
        daphne = Daphne(fan_env)
        try:
            latencies = asyncio.run(_fan_out(daphne.url, clients, rounds))
        finally:
            daphne.stop()
        p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
        rows.append(
            (
                f"Broadcast to {clients} WebSocket clients (request sent -> receipt)",
                f"p50 {p50:.0f} ms; p99 {p99:.0f} ms; last {max(latencies) * 1000:.0f} ms",
                "p99 < 250 ms",
                "met" if p99 < 250 else "missed",
            )
        )

        days = history_seconds // 86400
        log(f"4/4 seeding {days} day(s) of 1 Hz temperatures (3 components) and querying")
        for label, env, cleanup in _query_targets(sqlite_env):
            try:
                seeded = manage(env, "shell", "--no-imports", "-c", SEED_30_DAYS.format(seconds=history_seconds))
                seed_seconds, since, until = seeded.split()[-3:]
                daphne = Daphne(env)
                try:
                    timings = bench_chart_query(daphne.url, since, until)
                finally:
                    daphne.stop()
            finally:
                cleanup()
            rows.append(
                (
                    f"{days}-day chart query, 1 Hz x 3 components, {label}",
                    f"{timings[500]:.0f} ms (500 points); {timings[2000]:.0f} ms (2000 points); seeded in {float(seed_seconds):.0f} s",
                    "< 300 ms",
                    "met" if max(timings.values()) < 300 else "missed",
                )
            )

    write_results(rows, quick=args.quick)


def _query_targets(sqlite_env):
    yield "SQLite", sqlite_env, lambda: None
    postgres = postgres_database()
    if postgres:
        url, drop = postgres
        env = project_env(DATABASE_URL=url)
        manage(env, "migrate", "--noinput")
        yield "PostgreSQL", env, drop


def write_results(rows, *, quick: bool) -> None:
    header = ("measure", "result", "target", "")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    lines = [
        "# Benchmark results",
        "",
        f"`bench/status_bench.py{' --quick' if quick else ''}` on {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"({machine}; everything on 127.0.0.1).",
        "",
        "| measure | result | target | |",
        "| --- | --- | --- | --- |",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
    ]
    results = ROOT / "bench" / "RESULTS.md"
    # Keep the sections other benchmarks (bench/assets_bench.py) wrote.
    others = results.read_text().partition("<!-- assets_bench -->")[1:] if results.exists() else ("", "")
    results.write_text("\n".join(lines) + ("\n" + "".join(others) if others[0] else ""))
    log("wrote bench/RESULTS.md")


if __name__ == "__main__":
    main()
