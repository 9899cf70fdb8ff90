"""The printer-control operations answer as the OpenAPI schema says, with a real Moonraker behind them.

A real daphne serves the site; one printer of kind moonraker points at real Moonraker with the
stand-in klippy (its bridge connection row says connected; no bridge runs). Schemathesis reads
/api/schema/, keeps the control operations, and sends each valid and invalid requests (random
G-code, file names, uploads, pages) with every check: no 5xx, only documented status codes and
bodies, invalid input refused, valid input accepted, the token enforced. Each operation must also
have succeeded (a 2xx) at least once. Settings: schemathesis.toml beside this file.
"""

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]

CONFIG = Path(__file__).with_name("schemathesis.toml")
TOKEN = "schema-check-printer-control-token-0123456789"
SLUG = "schema-voron"
CONTROL_PATHS = r"^/api/printers/\{slug\}/(actions/\{action\}|gcode|files|print|console)$"

REGISTER = """
from django.utils import timezone
from status.models import Printer, PrinterConnection
printer = Printer.objects.create(slug={slug!r}, name="Schema Voron", source_kind="moonraker",
                                 moonraker_url={url!r}, api_key={key!r})
PrinterConnection.objects.create(printer=printer, state="connected", since=timezone.now())
"""


@pytest.fixture
def site(moonraker_printer, start_daphne, project_env, manage, tmp_path):
    # A fast heater: M109/M190 in generated G-code finish well within the G-code timeout.
    mr = moonraker_printer(lines_per_second=500, klippy_args=("--thermal-tau", "0.05"))
    mr.upload_gcode("cube.gcode", "G28\n" + "G1 X10 Y10 E0.1\n" * 20)
    env = project_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        PRINTER_CONTROL_TOKEN=TOKEN,
        PRINTER_GCODE_TIMEOUT_SECONDS="20",
        BRIDGE_MODE="process",
    )
    for command in (("migrate", "--noinput"), ("shell", "-c", REGISTER.format(slug=SLUG, url=mr.url, key=mr.api_key))):
        result = manage(*command, env=env, timeout=180)
        assert result.returncode == 0, f"manage.py {command[0]}:\n{result.stdout}\n{result.stderr}"
    return start_daphne(env)


def answered(schema: dict, har: dict, prefix: str) -> dict[str, set[int]]:
    patterns = []
    for path, methods in schema["paths"].items():
        if re.match(CONTROL_PATHS, path):
            regex = re.compile(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "/?")
            patterns += [(method.upper(), regex, f"{method.upper()} {path}") for method in methods]
    codes = {label: set() for _, _, label in patterns}
    for entry in har["log"]["entries"]:
        method, path = entry["request"]["method"], entry["request"]["url"].removeprefix(prefix).split("?")[0]
        for wanted, regex, label in patterns:
            if method == wanted and regex.fullmatch(path):
                codes[label].add(entry["response"]["status"])
    return codes


def test_every_control_operation_answers_as_its_schema_says(site, tmp_path):
    with urllib.request.urlopen(f"{site}/api/schema/?format=json", timeout=30) as response:
        schema = json.load(response)
    har = tmp_path / "requests.har"

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
            *("--config-file", str(CONFIG)),
            "run",
            *("--checks", "all"),
            *("--include-path-regex", CONTROL_PATHS),
            "--no-color",
            *("--report", "har", "--report-har-path", str(har)),
            f"{site}/api/schema/",
        ],
        cwd=tmp_path,
        env={
            **__import__("os").environ,
            "KLIPPERIWC_SCHEMA_PRINTER_CONTROL_TOKEN": TOKEN,
            "KLIPPERIWC_SCHEMA_PRINTER_SLUG": SLUG,
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]
    assert "No issues found" in output, output[-5000:]
    codes = answered(schema, json.loads(har.read_text()), site)
    assert len(codes) == 6, codes
    unsuccessful = {label: sorted(c) for label, c in codes.items() if not any(200 <= code < 300 for code in c)}
    assert not unsuccessful, unsuccessful
