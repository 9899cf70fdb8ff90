"""Every operation's real answers match the OpenAPI schema the server publishes, with any token or none.

Schemathesis reads /api/schema/ from a real daphne process that has all four tokens set
(board-asset upload and moderation, printer admin and control), generates requests for
every operation (valid and invalid ones, then sequences that upload, fetch, moderate and
delete assets), and checks each answer with all its checks: no 5xx, only documented
status codes, content types and headers, bodies that match their schema, invalid input
refused, valid input accepted, auth enforced. It runs once per token variant: with every
token, with none, and with each token alone, all from the same fixed seed, so that an
operation is also fuzzed as the clients that hold another token (or none) see it.
Settings (seed, examples per operation, the few rules OpenAPI cannot state) are in
schemathesis.toml beside this file.
"""

import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from schemathesis.core.warnings import SchemathesisWarning

from control.tests.thumbnails import png_bytes, thumbnail_block

pytestmark = pytest.mark.slow

CONFIG = Path(__file__).with_name("schemathesis.toml")
UPLOAD_TOKEN = "schema-check-upload-token-0123456789"
MODERATOR_TOKEN = "schema-check-moderator-token-0123456789"
PRINTER_ADMIN_TOKEN = "schema-check-printer-admin-token-0123456789"
PRINTER_CONTROL_TOKEN = "schema-check-printer-control-token-0123456789"
# A superuser's personal API key, made with a known secret (only its hash is stored), and the one
# board submission and the one printer submission the submission operations are pinned to (schemathesis.toml);
# the last two lines it prints are their ids.
KEY_PREFIX, KEY_SECRET = "5c4e3a000001", "schema-check-personal-key-secret-0123456789"
PERSONAL_KEY = f"kiwc_{KEY_PREFIX}_{KEY_SECRET}"
REGISTER_KEY_AND_SUBMISSION = """
import hashlib
from django.contrib.auth.models import User
from accounts.models import ApiKey
from boards.validation import DEFINITIONS_DIR, definition_load
from printers.definitions import printer_definition
from submissions.services import printer_submission_submit, submission_submit
owner = User.objects.create_superuser("schema-check", password="schema-check-password-0123456789")
ApiKey.objects.create(user=owner, name="schema check", prefix={prefix!r},
                      secret_sha256=hashlib.sha256({secret!r}.encode()).hexdigest())
definition = definition_load(DEFINITIONS_DIR / "bigtreetech" / "btt-ebb-can-v1.2.json")
print(submission_submit(user=owner, definition=definition).submission_id)
printer = {{**printer_definition("creality-ender3-pro-4.2.2"), "id": "schema-check-ender3"}}
print(printer_submission_submit(user=owner, definition=printer).submission_id)
"""
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
# The schema's security schemes and the token each stands for.
TOKENS = {
    "uploadToken": UPLOAD_TOKEN,
    "moderatorToken": MODERATOR_TOKEN,
    "printerAdminToken": PRINTER_ADMIN_TOKEN,
    "printerControlToken": PRINTER_CONTROL_TOKEN,
    "personalApiKey": PERSONAL_KEY,
}
# The run with every token goes through all phases with schemathesis.toml's examples per operation:
# each operation succeeds, and uploads chain into fetches, moderation and deletes. The runs with one
# token alone or none fuzz every operation again, fewer examples each (hypothesis' search costs
# seconds per operation, whatever the count), as the clients holding another token or none see it.
# Their warnings leave out the three that such a run gives by design: operations refused for want of
# the token (missing_auth), assets only a token holder can see (missing_test_data), and board
# definitions mostly refused by rules OpenAPI cannot state (validation_mismatch, which the run with
# every token, with more examples, still reports).
PARTIAL = (
    "--phases",
    "examples,fuzzing",
    "--max-examples",
    "5",
    "--warnings",
    # (low_valid_rate is off by default.)
    ",".join(
        sorted(
            set(SchemathesisWarning) - {"missing_auth", "missing_test_data", "validation_mismatch", "low_valid_rate"}
        )
    ),
)
VARIANTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "every token": (tuple(TOKENS), ()),
    "no token": ((), PARTIAL),
    **{f"{scheme} alone": ((scheme,), PARTIAL) for scheme in TOKENS},
}
# Generated requests, all variants together, below which the run has silently stopped generating.
MINIMUM_REQUESTS = 1000
# An [auth.openapi.<scheme>] table of schemathesis.toml, which each variant keeps or drops.
AUTH_TABLE = re.compile(r'^\[auth\.openapi\.(\w+)\]\n(?:api_key|bearer) = "\$\{(\w+)\}"\n', re.MULTILINE)


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
def server(request, start_daphne, project_env, manage, database_url, moonraker_printer, tmp_path, monkeypatch) -> str:
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
        # Thousands of wrong and missing tokens from one address are the point here, not an attack
        # to lock out (the per-client limit on failed credentials has tests of its own).
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
    key_and_submission = REGISTER_KEY_AND_SUBMISSION.format(prefix=KEY_PREFIX, secret=KEY_SECRET)
    commands = (
        ("migrate", "--noinput"),
        ("sync_boards",),
        ("shell", "-c", register),
        ("shell", "-c", admin_printers),
        ("shell", "-c", key_and_submission),
    )
    for command in commands:
        result = manage(*command, env=env, timeout=180)
        assert result.returncode == 0, f"manage.py {' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    board_submission, printer_submission = result.stdout.strip().splitlines()[-2:]
    monkeypatch.setenv("KLIPPERIWC_SCHEMA_SUBMISSION", board_submission)
    monkeypatch.setenv("KLIPPERIWC_SCHEMA_PRINTER_SUBMISSION", printer_submission)
    return start_daphne(env)


def variant_config(schemes: tuple[str, ...], workdir: Path) -> Path:
    """schemathesis.toml with the auth tables of the given schemes only: the others' tokens are never sent."""
    text = CONFIG.read_text()
    tables = {match[1] for match in AUTH_TABLE.finditer(text)}
    assert tables == set(TOKENS), f"schemathesis.toml's auth tables changed: {sorted(tables)}"
    config = workdir / "schemathesis.toml"
    config.write_text(AUTH_TABLE.sub(lambda match: match[0] if match[1] in schemes else "", text))
    return config


def run_schemathesis(
    url: str, schemes: tuple[str, ...], options: tuple[str, ...], workdir: Path
) -> tuple[subprocess.CompletedProcess, dict]:
    workdir.mkdir()
    env = {
        **os.environ,
        "KLIPPERIWC_SCHEMA_UPLOAD_TOKEN": UPLOAD_TOKEN,
        "KLIPPERIWC_SCHEMA_MODERATOR_TOKEN": MODERATOR_TOKEN,
        "KLIPPERIWC_SCHEMA_PRINTER_ADMIN_TOKEN": PRINTER_ADMIN_TOKEN,
        "KLIPPERIWC_SCHEMA_PRINTER_CONTROL_TOKEN": PRINTER_CONTROL_TOKEN,
        "KLIPPERIWC_SCHEMA_PERSONAL_KEY": PERSONAL_KEY,
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
            str(variant_config(schemes, workdir)),
            "run",
            "--checks",
            "all",
            "--no-color",
            *options,
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
        timeout=900,  # a loaded CI machine; the run with every token takes about 2 minutes
        check=False,
    )
    return result, json.loads(har.read_text()) if har.exists() else {}


def operation_patterns(schema: dict) -> list[tuple[str, re.Pattern, str]]:
    patterns = []
    for path, methods in schema["paths"].items():
        regex = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)).rstrip("/") + "/?"
        for method in methods:
            patterns.append((method.upper(), re.compile(regex), f"{method.upper()} {path}"))
    return patterns


def operations_answered(schema: dict, har: dict, prefix: str) -> dict[str, set[int]]:
    """Status codes each documented operation answered with, from the recorded requests."""
    patterns = operation_patterns(schema)
    answered: dict[str, set[int]] = {label: set() for _, _, label in patterns}
    for entry in har["log"]["entries"]:
        method, path = entry["request"]["method"], entry["request"]["url"].removeprefix(prefix).split("?")[0]
        for wanted, regex, label in patterns:
            if method == wanted and regex.fullmatch(path):
                answered[label].add(entry["response"]["status"])
    return answered


def guards(schema: dict) -> dict[str, set[str]]:
    """The schemes each operation needs one of; empty for an operation that anyone may call."""
    needed = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            requirements = operation.get("security", schema.get("security", []))
            optional = not requirements or {} in requirements
            needed[f"{method.upper()} {path}"] = set() if optional else {s for r in requirements for s in r}
    return needed


def test_every_operation_answers_as_its_schema_says_with_each_token_and_none(server, tmp_path):
    import urllib.request

    with urllib.request.urlopen(f"{server}/api/schema/?format=json", timeout=30) as response:
        schema = json.load(response)
    needed = guards(schema)
    assert any(needed.values()), needed
    assert set().union(*needed.values()) == set(TOKENS), needed

    problems, requests, succeeded, timings = [], {}, set(), {}
    for variant, (schemes, options) in VARIANTS.items():
        started = time.monotonic()
        result, har = run_schemathesis(server, schemes, options, tmp_path / variant.replace(" ", "-"))
        timings[variant] = round(time.monotonic() - started, 1)
        output = result.stdout + result.stderr
        if result.returncode != 0 or "No issues found" not in output:
            problems.append(f"--- {variant}: exit {result.returncode}\n{output[-15000:]}")
            continue
        if not re.search(rf"Tested:\s+{len(needed)}\b", output):
            problems.append(f"--- {variant}: not every operation was tested\n{output[-3000:]}")
        requests[variant] = len(har["log"]["entries"])
        if requests[variant] < len(needed):
            problems.append(f"--- {variant}: {requests[variant]} requests for {len(needed)} operations")
        for label, codes in operations_answered(schema, har, server).items():
            successes = {code for code in codes if 200 <= code < 300}
            succeeded |= {label} if successes else set()
            # A guarded operation succeeds only for the clients holding one of its tokens, and
            # refuses the others with the documented 401 (no token) or 403 (another one).
            if needed[label] and not needed[label] & set(schemes) and (successes or not codes):
                problems.append(f"--- {variant}: {label} answered {sorted(codes)} without its token")
    print(f"generated requests by variant: {requests}; seconds: {timings}")
    assert not problems, "\n".join(problems)
    # Every operation, the token-protected ones included, was also reached past its
    # checks: each answered at least once with a success of its own.
    assert not set(needed) - succeeded, sorted(set(needed) - succeeded)
    assert sum(requests.values()) >= MINIMUM_REQUESTS, requests
