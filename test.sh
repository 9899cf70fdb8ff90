#!/usr/bin/env bash
# Runs every check: ruff, then the whole pytest suite. Extra arguments go to pytest.
#
# Creates or updates .venv from requirements-dev.txt first, so it works on a fresh
# machine with nothing but Python 3.11. Tests that need a server (PostgreSQL, Redis,
# ...) skip with the service named when it is not running, or fail when
# KLIPPERIWC_REQUIRE_SERVICES=1.
set -euo pipefail
cd "$(dirname "$0")"

stamp() { printf '%s UTC  %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S+00:00)" "$*"; }

find_python() {
  local candidate
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "test.sh: Python 3.11 or newer is needed (python3.11 or python3 on PATH)." >&2
  return 1
}

venv=.venv
if [ ! -x "$venv/bin/python" ]; then
  stamp "Creating $venv"
  "$(find_python)" -m venv "$venv"
fi

wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$venv/.requirements-dev.sha256" 2>/dev/null)" != "$wanted" ]; then
  stamp "Installing requirements-dev.txt into $venv"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r requirements-dev.txt
  echo "$wanted" >"$venv/.requirements-dev.sha256"
fi

stamp "ruff check"
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .

stamp "pytest (DATABASE_URL=${DATABASE_URL:-embedded SQLite}, REDIS_URL=${REDIS_URL:-none})"
exec "$venv/bin/python" -m pytest "$@"
