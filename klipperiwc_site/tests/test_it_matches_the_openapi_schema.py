"""Every operation's real answers match the OpenAPI schema the server publishes.

Schemathesis reads /api/schema/ from a real daphne process that has both board-asset
tokens set, generates requests for every operation (valid and invalid ones, then
sequences that upload, fetch, moderate and delete assets), and checks each answer with
all its checks: no 5xx, only documented status codes, content types and headers,
bodies that match their schema, invalid input refused, valid input accepted, auth
enforced. Settings (seed, examples per operation, the few rules OpenAPI cannot state)
are in schemathesis.toml beside this file.
"""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from control.tests.thumbnails import png_bytes, thumbnail_block

pytestmark = pytest.mark.slow

CONFIG = Path(__file__).with_name("schemathesis.toml")
UPLOAD_TOKEN = "schema-check-upload-token-0123456789"
MODERATOR_TOKEN = "schema-check-moderator-token-0123456789"
PRINTER_ADMIN_TOKEN = "schema-check-printer-admin-token-0123456789"
PRINTER_CONTROL_TOKEN = "schema-check-printer-control-token-0123456789"
# The printer-control operations run against this printer: real Moonraker with the stand-in klippy
# (schemathesis.toml pins their slug to it), so each can succeed; the demo printer has no files or G-code.
CONTROL_PRINTER = "schema-voron"
REGISTER_CONTROL_PRINTER = """
from django.utils import timezone
from status.models import Printer, PrinterConnection
printer = Printer.objects.create(slug={slug!r}, name="Schema Voron", source_kind="moonraker",
                                 moonraker_url={url!r}, api_key={key!r})
PrinterConnection.objects.create(printer=printer, state="connected", since=timezone.now())
"""
# PATCH and DELETE of printers each work on a demo printer of their own (schemathesis.toml pins
# their slug): left to choose, they renamed, disabled or deleted the demo printer and the control
# printer that the other operations need.
PATCHED_PRINTER, DELETED_PRINTER = "schema-patched", "schema-deleted"
REGISTER_ADMIN_PRINTERS = """
from status.models import Printer
for slug in ({patched!r}, {deleted!r}):
    Printer.objects.create(slug=slug, name=slug, source_kind="demo")
"""
SCALED = bool(os.environ.get("DATABASE_URL"))


@pytest.fixture
def database_url(request, tmp_path):
    """A database of the run's mode: a SQLite file, or (scaled) a PostgreSQL database of its own."""
    if not SCALED:
        yield f"sqlite:///{tmp_path}/db.sqlite3"
        return
    import psycopg

    base = request.getfixturevalue("postgres_url").replace("postgres://", "postgresql://", 1)
    name = f"klipperiwc_schema_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def server(request, start_daphne, project_env, manage, database_url, moonraker_printer, tmp_path) -> str:
    # A fast heater: an M109 among the generated G-code finishes well within the G-code timeout.
    moonraker = moonraker_printer(lines_per_second=500, klippy_args=("--thermal-tau", "0.05"))
    # The schema's example file, with a slicer thumbnail (GET .../thumbnail?file=cube.gcode succeeds).
    thumbnail = thumbnail_block(png_bytes(64, 64), 64, 64)
    moonraker.upload_gcode("cube.gcode", thumbnail + "G28\n" + "G1 X10 Y10 E0.1\n" * 20)
    settings = dict(
        DATABASE_URL=database_url,
        BOARD_ASSET_LOCAL_PATH=str(tmp_path / "assets"),
        BOARD_ASSET_UPLOAD_TOKEN=UPLOAD_TOKEN,
        BOARD_ASSET_MODERATION_TOKEN=MODERATOR_TOKEN,
        PRINTER_ADMIN_TOKEN=PRINTER_ADMIN_TOKEN,
        PRINTER_CONTROL_TOKEN=PRINTER_CONTROL_TOKEN,
        # No bridge in this daphne: the printers schemathesis adds have made-up Moonraker
        # addresses, and nothing here may contact an address off this machine.
        BRIDGE_MODE="process",
        PRINTER_GCODE_TIMEOUT_SECONDS="20",
        # Schemathesis sends thousands of wrong tokens from this one address; locked out, it could no
        # longer check what a right token gets. The lockout has tests of its own.
        AUTH_FAILURE_LIMIT="1000000",
    )
    if SCALED:
        import redis

        redis_url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(redis_url).flushdb()
        settings.update(REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url)
    env = project_env(**settings)
    register = REGISTER_CONTROL_PRINTER.format(slug=CONTROL_PRINTER, url=moonraker.url, key=moonraker.api_key)
    admin_printers = REGISTER_ADMIN_PRINTERS.format(patched=PATCHED_PRINTER, deleted=DELETED_PRINTER)
    commands = (("migrate", "--noinput"), ("sync_boards",), ("shell", "-c", register), ("shell", "-c", admin_printers))
    for command in commands:
        result = manage(*command, env=env, timeout=180)
        assert result.returncode == 0, f"manage.py {' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return start_daphne(env)


def run_schemathesis(url: str, workdir: Path) -> tuple[subprocess.CompletedProcess, dict]:
    env = {
        **os.environ,
        "KLIPPERIWC_SCHEMA_UPLOAD_TOKEN": UPLOAD_TOKEN,
        "KLIPPERIWC_SCHEMA_MODERATOR_TOKEN": MODERATOR_TOKEN,
        "KLIPPERIWC_SCHEMA_PRINTER_ADMIN_TOKEN": PRINTER_ADMIN_TOKEN,
        "KLIPPERIWC_SCHEMA_PRINTER_CONTROL_TOKEN": PRINTER_CONTROL_TOKEN,
        "KLIPPERIWC_SCHEMA_CONTROL_PRINTER": CONTROL_PRINTER,
        "KLIPPERIWC_SCHEMA_PATCHED_PRINTER": PATCHED_PRINTER,
        "KLIPPERIWC_SCHEMA_DELETED_PRINTER": DELETED_PRINTER,
    }
    har = workdir / "requests.har"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
            "--config-file",
            str(CONFIG),
            "run",
            "--checks",
            "all",
            "--no-color",
            "--report",
            "har",
            "--report-har-path",
            str(har),
            f"{url}/api/schema/",
        ],
        cwd=workdir,  # its report and scratch files stay out of the checkout
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result, json.loads(har.read_text()) if har.exists() else {}


def operations_answered(schema: dict, har: dict, prefix: str) -> dict[str, set[int]]:
    """Status codes each documented operation answered with, from the recorded requests."""
    patterns = []
    for path, methods in schema["paths"].items():
        regex = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)).rstrip("/") + "/?"
        for method in methods:
            patterns.append((method.upper(), re.compile(regex), f"{method.upper()} {path}"))
    answered: dict[str, set[int]] = {label: set() for _, _, label in patterns}
    for entry in har["log"]["entries"]:
        method, path = entry["request"]["method"], entry["request"]["url"].removeprefix(prefix).split("?")[0]
        for wanted, pattern, label in patterns:
            if method == wanted and pattern.fullmatch(path):
                answered[label].add(entry["response"]["status"])
    return answered


def test_every_operation_answers_as_its_schema_says(server, tmp_path):
    import urllib.request

    with urllib.request.urlopen(f"{server}/api/schema/?format=json", timeout=30) as response:
        schema = json.load(response)

    result, har = run_schemathesis(server, tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]
    assert "No issues found" in output, output[-5000:]
    assert re.search(rf"Tested:\s+{len(operations_answered(schema, {'log': {'entries': []}}, ''))}\b", output), output
    # Every operation, the token-protected ones included, was also reached past its
    # checks: each answered at least once with a success of its own.
    answered = operations_answered(schema, har, server)
    unsuccessful = {label: sorted(codes) for label, codes in answered.items() if not any(200 <= c < 300 for c in codes)}
    assert not unsuccessful, unsuccessful
