#!/usr/bin/env bash
# Runs every check: ruff, mypy, then the whole pytest suite. Extra arguments go to pytest.
#
# Creates or updates .venv from requirements-dev.txt first, so it works on a fresh
# machine with nothing but Python 3.11, and .venv-moonraker from requirements-moonraker.txt.
# Tests that need a server (PostgreSQL, Redis, Moonraker, ...) skip with the service named when it is not running, or fail when
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

# Real Moonraker for the tests marked moonraker, in an environment of its own (its pins
# clash with ours). When it cannot be installed the run goes on: those tests skip naming
# the reason (scripts/moonraker_instance.py reads .install-error), or fail in CI.
mr_venv=.venv-moonraker
mr_wanted=$(sha256sum requirements-moonraker.txt | cut -d' ' -f1)
if [ "$(cat "$mr_venv/.requirements.sha256" 2>/dev/null)" != "$mr_wanted" ]; then
  stamp "Installing requirements-moonraker.txt into $mr_venv"
  mr_log=$(mktemp)
  if { [ -x "$mr_venv/bin/python" ] || "$(find_python)" -m venv "$mr_venv"; } >"$mr_log" 2>&1 &&
    "$mr_venv/bin/python" -m pip install --disable-pip-version-check -q -r requirements-moonraker.txt >>"$mr_log" 2>&1; then
    rm -f "$mr_venv/.install-error"
    echo "$mr_wanted" >"$mr_venv/.requirements.sha256"
  else
    mkdir -p "$mr_venv"
    tail -n 5 "$mr_log" >"$mr_venv/.install-error"
    stamp "Could not install Moonraker (tests marked moonraker will skip or fail): $(tail -n 1 "$mr_log")"
  fi
  rm -f "$mr_log"
fi

stamp "ruff check"
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .

# Types: pyproject.toml's [tool.mypy] (the Django and DRF plugins, the apps and their tests).
stamp "mypy"
"$venv/bin/mypy"

stamp "pytest (DATABASE_URL=${DATABASE_URL:-embedded SQLite}, REDIS_URL=${REDIS_URL:-none})"
exec "$venv/bin/python" -m pytest "$@"
