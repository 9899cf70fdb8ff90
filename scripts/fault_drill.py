"""Fault drill: take each backing service of the scaled mode away under a running site, and back.

    .venv/bin/python scripts/fault_drill.py [--results bench/RESULTS.md]

Everything runs on 127.0.0.1 at free ports and is private to the drill (it never touches the
machine's own PostgreSQL or Redis): a PostgreSQL cluster (initdb + pg_ctl in a temp folder), a
redis-server, SeaweedFS (scripts/s3_server.py), real Moonraker with the stand-in klippy
(scripts/moonraker_instance.py), one daphne and one bridge process of this checkout in scaled
mode (PostgreSQL, Redis for cache and channel layer, board assets on S3).

Faults, one after the other, each with the site left running:

- daphne killed (SIGKILL) while uploads are being written; a new daphne starts, as the process
  manager would start it;
- Redis stopped and started (empty, as Redis without persistence comes back);
- PostgreSQL stopped (``pg_ctl stop -m fast``) and started;
- the S3 server stopped and started (same data);
- Moonraker killed mid-print and started again (klippy goes on printing meanwhile).

For each: what the site answers during the outage (no 500 anywhere), whether anything was lost or
half-stored (asset rows against S3 objects, each asset's upload event, print jobs against
Moonraker's history), and how long until it answers normally again without a restart of daphne or
the bridge. Prints a Markdown table; ``--results`` also writes it into that file's "Fault drill"
section (the other sections stay).
"""

# A local drill script: fixed throwaway tokens, subprocesses and URLs of its own making, noise images.
# ruff: noqa: S105, S310, S311, S603

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from scripts import s3_server  # noqa: E402
from scripts.moonraker_instance import MoonrakerInstance  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
UPLOAD_TOKEN = "fault-drill-upload-token-0123456789"
MODERATOR_TOKEN = "fault-drill-moderator-token-0123456789"
BUCKET = "fault-drill"
PRINTER = "drill-voron"
SECTION = "## Fault drill (scripts/fault_drill.py)"
# Paths probed during each outage; none may answer 500 (or any 5xx but a 503).
READS = ("/api/status", "/api/printers/", "/api/jobs", "/api/board-assets/", "/healthz", "/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {timeout} s (last: {value!r})")
        time.sleep(every)


class Postgres:
    """A PostgreSQL cluster of its own in a temp folder (run as the postgres user under root: initdb refuses root)."""

    def __init__(self) -> None:
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        # A folder of its own under /tmp: the postgres user cannot enter a root-owned 0700 temp folder.
        self.root = Path(tempfile.mkdtemp(prefix="klipperiwc-pg-"))
        self.dir = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        if self.as_user:
            self.root.chmod(0o755)
            shutil.chown(self.root, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.dir), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/klipperiwc"

    def remove(self) -> None:
        """Stop the cluster if it runs and delete its folder."""
        self.stop(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, text=True, cwd="/")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir}"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, *, missing_ok: bool = False) -> None:
        """Fast shutdown: sessions are terminated, new connections refused. ``missing_ok``: fine if not running."""
        if missing_ok and not (self.dir / "postmaster.pid").exists():
            return
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "-w", "stop")

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE klipperiwc")

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()


class Redis:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(lambda: _listening(self.port), timeout=10, what="redis-server listening")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Answer:
    status: int
    body: bytes = b""

    def json(self):
        return json.loads(self.body)


def http(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None) -> Answer:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read())
    except OSError:
        return Answer(0)  # no answer at all: connection refused or reset


def png(seed: int, size: int = 256) -> bytes:
    from PIL import Image

    noise = random.Random(seed).randbytes(size * size * 3)  # noise: a PNG that does not compress away
    buffer = io.BytesIO()
    Image.frombytes("RGB", (size, size), noise).save(buffer, format="PNG")
    return buffer.getvalue()


class Site:
    """One daphne and one bridge process of this checkout in scaled mode."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.daphne: subprocess.Popen | None = None
        self.bridge: subprocess.Popen | None = None

    @property
    def running_daphne(self) -> subprocess.Popen:
        assert self.daphne is not None, "daphne is not started"
        return self.daphne

    @property
    def running_bridge(self) -> subprocess.Popen:
        assert self.bridge is not None, "the bridge is not started"
        return self.bridge
        self.daphne_starts: int = 0

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=self.env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)}: {result.stderr[-3000:]}")
        return result.stdout

    def start_daphne(self) -> None:
        self.daphne_starts += 1
        log = open(self.workdir / f"daphne-{self.daphne_starts}.log", "w")  # noqa: SIM115 (the process keeps it)
        command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)]
        self.daphne = subprocess.Popen(
            [*command, "klipperiwc_site.asgi:application"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: self.get("/healthz").status == 200, timeout=60, what="daphne answering /healthz")

    def start_bridge(self) -> None:
        log = open(self.workdir / "bridge.log", "w")  # noqa: SIM115 (the process keeps it)
        self.bridge = subprocess.Popen(
            [sys.executable, "manage.py", "run_bridge", "--holder", "drill"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        for process in (self.bridge, self.daphne):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()

    def get(self, path: str) -> Answer:
        return http(self.url + path)

    def upload(self, image: bytes) -> Answer:
        from urllib3 import encode_multipart_formdata

        body, content_type = encode_multipart_formdata({"file": ("board.png", image, "image/png")})
        headers = {"Content-Type": content_type, "X-Board-Assets-Key": UPLOAD_TOKEN}
        return http(f"{self.url}/api/board-assets/", data=body, headers=headers)

    def websocket(self) -> str:
        """The first message type on /ws/status, or the close code the server sent instead."""
        from websockets.exceptions import ConnectionClosed, InvalidMessage, InvalidStatus
        from websockets.sync.client import connect

        started = time.monotonic()
        try:
            with connect(self.url.replace("http", "ws") + "/ws/status", open_timeout=10) as socket_:
                message = json.loads(socket_.recv(timeout=10))
                if message["type"] != "error":
                    return message["type"]
                try:
                    socket_.recv(timeout=10)
                except ConnectionClosed as closed:
                    return f"error, close {closed.rcvd.code if closed.rcvd else '?'}"
                return "error"
        except InvalidStatus as refused:
            return f"HTTP {refused.response.status_code}"
        except (OSError, TimeoutError, InvalidMessage) as exc:
            return f"no answer ({type(exc).__name__} after {time.monotonic() - started:.1f} s)"

    def status(self) -> dict:
        answer = self.get(f"/api/status?printer={PRINTER}")
        return answer.json() if answer.status == 200 else {}


@dataclass
class Row:
    fault: str
    during: str = ""
    server_errors: list[str] = field(default_factory=list)
    intact: str = ""
    recovery: str = ""
    ok: bool = True

    def fail(self, why: str) -> None:
        self.ok = False
        self.intact = f"{self.intact}; {why}" if self.intact else why


def probe(site: Site, row: Row, *, image_seed: int) -> dict[str, object]:
    """Every read, an upload and the WebSocket once; 5xx other than 503 are server errors."""
    seen: dict[str, object] = {}
    for path in READS:
        seen[path] = site.get(path).status
    seen["upload"] = site.upload(png(image_seed)).status
    seen["ws"] = site.websocket()
    for name, status in seen.items():
        if isinstance(status, int) and (status >= 500 and status != 503):
            row.server_errors.append(f"{name} {status}")
        if status == 0 or str(status).startswith("no answer"):
            row.server_errors.append(f"{name} {'no answer' if status == 0 else status}")
    return seen


def summarize(seen: dict[str, object]) -> str:
    by_answer: dict[str, list[str]] = {}
    for name, status in seen.items():
        by_answer.setdefault(str(status), []).append(name.removeprefix("/api/").rstrip("/") or "/")
    return "; ".join(f"{answer}: {', '.join(names)}" for answer, names in by_answer.items())


class Drill:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.postgres = Postgres()
        self.redis = Redis(workdir)
        self.s3: s3_server.S3Server | None = None
        self.moonraker = MoonrakerInstance(workdir / "moonraker", lines_per_second=40)
        self.site: Site | None = None
        self.seed = 0

    @property
    def live(self) -> Site:
        """The started site (the drill's steps run only after setting it up)."""
        assert self.site is not None, "the drill's site is not started"
        return self.site

    # --- set-up ---------------------------------------------------------------------
    def start(self) -> None:
        self.postgres.start()
        self.postgres.create_database()
        self.redis.start()
        self.s3 = s3_server.start(self.workdir / "s3", stop_at_exit=True)
        self.s3_client().create_bucket(Bucket=BUCKET)
        self.moonraker.start()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BOARD_ASSET_", "STATUS_", "BRIDGE_", "PRINTER_", "AWS_", "DATABASE_", "REDIS_"))
        }
        env.update(
            ENV_FILE="",
            APP_ENV="development",
            PYTHONUNBUFFERED="1",
            LOG_FILE=str(self.workdir / "app.log"),
            DATABASE_URL=self.postgres.url,
            REDIS_URL=self.redis.url,
            CELERY_BROKER_URL=self.redis.url,
            BRIDGE_MODE="process",
            BRIDGE_RELOAD_MS="500",
            STATUS_HISTORY_MIN_INTERVAL_MS="0",
            BOARD_ASSET_STORAGE_BACKEND="s3",
            BOARD_ASSET_S3_BUCKET=BUCKET,
            BOARD_ASSET_S3_ENDPOINT=self.s3.endpoint_url,
            BOARD_ASSET_S3_REGION=self.s3.region,
            AWS_ACCESS_KEY_ID=self.s3.access_key,
            AWS_SECRET_ACCESS_KEY=self.s3.secret_key,
            BOARD_ASSET_UPLOAD_TOKEN=UPLOAD_TOKEN,
            BOARD_ASSET_MODERATION_TOKEN=MODERATOR_TOKEN,
            AUTH_FAILURE_LIMIT="1000000",
        )
        self.site = Site(self.workdir, env)
        self.site.manage("migrate", "--noinput")
        self.site.manage(
            "shell",
            "--no-imports",
            "-c",
            "from status.models import Printer; "
            f"Printer.objects.create(slug={PRINTER!r}, name='Drill Voron', source_kind='moonraker', "
            f"moonraker_url={self.moonraker.url!r}, api_key={self.moonraker.api_key!r})",
        )
        self.site.start_daphne()
        self.site.start_bridge()
        wait_for(lambda: self.live.status().get("state") == "idle", timeout=60, what="the printer idle")

    def stop(self) -> None:
        if self.site is not None:
            self.site.stop()
        with contextlib.suppress(Exception):
            self.moonraker.stop()
        if self.s3 is not None:
            self.s3.stop()
        self.redis.stop()
        self.postgres.remove()

    def s3_client(self):
        import boto3

        assert self.s3 is not None
        return boto3.client(
            "s3",
            endpoint_url=self.s3.endpoint_url,
            aws_access_key_id=self.s3.access_key,
            aws_secret_access_key=self.s3.secret_key,
            region_name=self.s3.region,
        )

    def next_seed(self) -> int:
        self.seed += 1
        return self.seed

    # --- what "nothing lost or half-stored" means ------------------------------------
    def assets_consistent(self, row: Row) -> tuple[int, int]:
        """Every asset row has its objects and its upload event; returns (rows, objects without a row)."""
        rows = self.postgres.rows("SELECT id::text, storage_key, thumbnail_key FROM board_assets")
        events = {
            ref
            for (ref,) in self.postgres.rows(
                "SELECT asset_ref::text FROM board_asset_moderation_events WHERE action='upload'"
            )
        }
        listing = self.s3_client().list_objects_v2(Bucket=BUCKET).get("Contents", [])
        objects = {item["Key"] for item in listing}
        keys = set()
        for asset_id, key, thumbnail in rows:
            wanted = {key, thumbnail} - {""}
            keys |= wanted
            if wanted - objects:
                row.fail(f"asset {asset_id} lacks {sorted(wanted - objects)}")
            if asset_id not in events:
                row.fail(f"asset {asset_id} has no upload event")
        return len(rows), len(objects - keys)

    def history_rows(self) -> int:
        return self.postgres.rows("SELECT count(*) FROM status_history")[0][0]

    def recover(self, row: Row, started: float, *, since: str = "the service was back") -> None:
        """Until every read answers 200 and an upload is stored again: the time that took, no restart."""
        assert self.site is not None
        pids = (self.live.running_daphne.pid, self.live.running_bridge.pid)

        def normal() -> bool:
            return all(self.live.get(path).status == 200 for path in READS)

        wait_for(normal, timeout=60, what="every read answering 200")
        wait_for(lambda: self.live.upload(png(self.next_seed())).status == 201, timeout=30, what="an upload")
        seconds = time.monotonic() - started
        history = self.history_rows()
        wait_for(lambda: self.history_rows() > history, timeout=20, what="the bridge's history growing again")
        websocket = self.live.websocket()
        if websocket != "status":
            row.fail(f"/ws/status after recovery: {websocket}")
        if (
            self.live.running_daphne.pid,
            self.live.running_bridge.pid,
        ) != pids or self.live.running_bridge.poll() is not None:
            row.fail("daphne or the bridge restarted")
        restarted = "" if since.startswith("daphne") else ", nothing restarted"
        row.recovery = (
            f"reads 200 and uploads 201 {seconds:.1f} s after {since}{restarted}; history grows, /ws/status streams"
        )

    # --- the faults ---------------------------------------------------------------------
    def daphne_killed_mid_write(self) -> Row:
        row = Row("daphne killed (SIGKILL) mid-upload")
        assert self.site is not None
        before, _ = self.assets_consistent(row)
        answers: list[int] = []
        stop = threading.Event()

        def uploader() -> None:
            while not stop.is_set():
                answers.append(self.live.upload(png(self.next_seed(), size=600)).status)

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            for _ in range(4):
                pool.submit(uploader)
            wait_for(lambda: answers.count(201) >= 4, timeout=60, what="uploads under way")
            self.live.running_daphne.send_signal(signal.SIGKILL)
            self.live.running_daphne.wait()
            time.sleep(0.5)  # the uploaders meet the dead port: what clients of a crashed server see
            stop.set()
        stored = answers.count(201)
        interrupted = answers.count(0)
        started = time.monotonic()
        self.live.start_daphne()  # what supervisor does
        rows, orphans = self.assets_consistent(row)
        if rows != before + stored:
            row.fail(f"{rows - before} asset rows for {stored} uploads answered 201")
        row.during = f"{stored} uploads stored, {interrupted} cut off without an answer; other answers: " + (
            ", ".join(str(s) for s in sorted(set(answers) - {0, 201})) or "none"
        )
        row.intact = f"every row has its objects and upload event; {orphans} S3 object(s) without a row"
        if orphans:
            row.intact += " (file stored, row not yet committed when killed)"
        self.recover(row, started, since="daphne was started again (the process manager's job)")
        return row

    def outage(self, fault: str, down: Callable[[], None], up: Callable[[], None]) -> Row:
        row = Row(fault)
        assert self.site is not None
        before_rows, before_orphans = self.assets_consistent(row)
        down()
        seen = probe(self.site, row, image_seed=self.next_seed())
        seen.update({k + " (again)": v for k, v in probe(self.site, row, image_seed=self.next_seed()).items()})
        row.during = summarize({k: v for k, v in seen.items() if "(again)" not in k})
        started = time.monotonic()
        up()
        after_rows, after_orphans = self.assets_consistent(row)
        uploads = [v for k, v in seen.items() if k.startswith("upload")]
        if after_rows - before_rows != uploads.count(201):
            row.fail(f"{after_rows - before_rows} new asset rows for {uploads.count(201)} uploads answered 201")
        row.intact = (
            f"{uploads.count(201)} of {len(uploads)} uploads stored during the outage, each with its objects; "
            f"orphan objects {before_orphans} → {after_orphans}"
        )
        if after_orphans > before_orphans:
            row.fail("an upload refused during the outage left an object behind")
        self.recover(row, started)
        return row

    def moonraker_killed_mid_print(self) -> Row:
        row = Row("Moonraker killed mid-print")
        assert self.site is not None
        self.moonraker.put_gcode("drill.gcode", "G28\n" + "G1 X10 Y10 E0.5\n" * 300)
        self.moonraker.result("POST", "/printer/print/start", filename="drill.gcode")
        wait_for(lambda: self.live.status().get("state") == "printing", timeout=30, what="printing")
        self.moonraker.kill_moonraker()
        killed = time.monotonic()
        offline = wait_for(
            lambda: (s := self.live.status()).get("state") == "offline" and s, timeout=30, what="offline"
        )
        offline_after = time.monotonic() - killed
        seen = probe(self.site, row, image_seed=self.next_seed())
        listed = {p["slug"]: p for p in self.live.get("/api/printers/").json()["results"]}
        connection = listed[PRINTER]["connection"]["state"]
        row.during = (
            f"printer offline after {offline_after:.1f} s ({offline.get('message', '')!r}), connection {connection}; "
            + summarize(seen)
        )
        self.moonraker.start_moonraker()
        started = time.monotonic()
        wait_for(lambda: self.live.status().get("state") in ("printing", "idle"), timeout=60, what="back")
        back = time.monotonic() - started
        wait_for(lambda: self.live.status().get("state") == "idle", timeout=60, what="the print finished")

        def jobs_match():
            ours = sorted(
                self.postgres.rows(
                    "SELECT j.job_id, j.status FROM print_jobs j JOIN status_printer p ON p.id = j.printer_id "
                    "WHERE p.slug = %s",
                    (PRINTER,),
                )
            )
            theirs = sorted((job["job_id"], job["status"]) for job in self.moonraker.history())
            return ours if ours == theirs else None

        try:
            ours = wait_for(jobs_match, timeout=20, what="our jobs matching Moonraker's history")
            if len({job for job, _ in ours}) != len(ours):
                row.fail("a job recorded twice")
            row.intact = f"jobs {ours} = Moonraker's history, none twice, none in progress"
        except RuntimeError as exc:
            row.fail(str(exc))
        self.recover(row, started, since="Moonraker was back")
        row.recovery = f"printer followed again {back:.1f} s after Moonraker was back; " + row.recovery
        return row

    def run(self) -> list[Row]:
        assert self.s3 is not None
        s3_dir, s3_port = self.workdir / "s3", self.s3.ports["s3"]

        def s3_down() -> None:
            assert self.s3 is not None
            self.s3.stop()

        def s3_up() -> None:
            self.s3 = s3_server.start(s3_dir, port=s3_port, stop_at_exit=True)

        return [
            self.daphne_killed_mid_write(),
            self.outage("Redis stopped and started", self.redis.stop, self.redis.start),
            self.outage("PostgreSQL stopped and started", self.postgres.stop, self.postgres.start),
            self.outage("S3 server stopped and started", s3_down, s3_up),
            self.moonraker_killed_mid_print(),
        ]


def table(rows: list[Row]) -> str:
    lines = [
        "| Fault | During the outage | 500s | Nothing lost or half-stored | Recovery | Result |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        errors = ", ".join(row.server_errors) or "none"
        ok = row.ok and not row.server_errors
        cells = [row.fault, row.during, errors, row.intact, row.recovery, "pass" if ok else "FAIL"]
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(lines)


def write_results(path: Path, text: str) -> None:
    current = path.read_text() if path.exists() else ""
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    section = f"{SECTION}\n\n{text}\n\n"
    updated = (
        pattern.sub(lambda _: section, current) if pattern.search(current) else current.rstrip() + "\n\n" + section
    )
    path.write_text(updated.rstrip() + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, help="write the table into this file's Fault drill section")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs) afterwards")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="fault-drill-"))
    drill = Drill(workdir)
    started = time.monotonic()
    try:
        drill.start()
        rows = drill.run()
    finally:
        drill.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"logs in {workdir}", file=sys.stderr)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = (
        f"Run {when}, {time.monotonic() - started:.0f} s, scaled mode (private PostgreSQL 15, Redis, SeaweedFS, "
        f"Moonraker; one daphne, one bridge). Run id {uuid.uuid4().hex[:8]}.\n\n" + table(rows)
    )
    print(text)
    if args.results:
        write_results(args.results, text)
    return 0 if all(row.ok and not row.server_errors for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
