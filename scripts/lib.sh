# shellcheck shell=bash
# Shared by deploy.sh and deploy_dev.sh (sourced, never run). Expects the
# caller to have cd'd to the project directory and to run under
# "set -euo pipefail".
#
# Provides:
#   utc_now                    2026-11-29T04:50:00+00:00
#   die MESSAGE...             prints "PROGRAM: MESSAGE" on stderr, exits 1
#   find_python                name of a Python >= 3.11 on PATH
#   venv_setup                 sets VENV (KLIPPERIWC_VENV or .venv, created
#                              when missing) and VENV_PYTHON
#   requirements_up_to_date FILE      0 when the stamp in VENV records FILE's
#                                     sha256 (its pip install can be skipped)
#   requirements_mark_installed FILE  writes that stamp
#   pip_install_command FILE [OPT..]  sets the array PIP_INSTALL

PROGRAM=${PROGRAM:-$(basename "$0")}

utc_now() {
  date -u +%Y-%m-%dT%H:%M:%S+00:00
}

die() {
  printf '%s: %s\n' "$PROGRAM" "$*" >&2
  exit 1
}

# Exit status 0 when the Python given as $1 is 3.11 or newer.
python_is_recent() {
  "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

find_python() {
  local candidate
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_is_recent "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done
  if command -v python3 >/dev/null 2>&1; then
    die "Python 3.11 or newer is needed; python3 on PATH is $(python3 -c 'import platform; print(platform.python_version())' 2>/dev/null || echo 'unusable'). Install python3.11 (and python3.11-venv)."
  fi
  die "Python 3.11 or newer is needed and neither python3.11 nor python3 is on PATH. Install python3.11 (and python3.11-venv)."
}

venv_setup() {
  if [ -n "${KLIPPERIWC_VENV:-}" ]; then
    VENV=$KLIPPERIWC_VENV
    [ -x "$VENV/bin/python" ] || die "KLIPPERIWC_VENV=$VENV is not a virtualenv (no $VENV/bin/python); unset it to use .venv."
    echo "Using the virtualenv KLIPPERIWC_VENV=$VENV"
  else
    VENV=.venv
    if [ -x "$VENV/bin/python" ]; then
      echo "Using the virtualenv $VENV"
    else
      local python
      python=$(find_python)
      echo "Creating the virtualenv $VENV with $(command -v "$python")"
      if ! "$python" -m venv "$VENV"; then
        rm -rf "$VENV"
        die "'$python -m venv $VENV' failed. On Debian/Ubuntu install the venv module: sudo apt-get install python3.11-venv"
      fi
    fi
  fi
  VENV_PYTHON=$VENV/bin/python
  python_is_recent "$VENV_PYTHON" || die "$VENV_PYTHON is older than Python 3.11; remove $VENV to recreate it."
  echo "Python: $("$VENV_PYTHON" -c 'import sys; print(sys.version.split()[0], "at", sys.executable)')"
}

# The stamp file name and its content for a requirements file. The name and
# the hash of requirements-dev.txt match test.sh, so both skip the same work.
requirements_stamp() {
  case "$1" in
    requirements-dev.txt) echo "$VENV/.requirements-dev.sha256" ;;
    *) echo "$VENV/.${1%.txt}.sha256" ;;
  esac
}

requirements_hash() {
  case "$1" in
    requirements-dev.txt) cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1 ;;
    *) sha256sum "$1" | cut -d' ' -f1 ;;
  esac
}

# Exit status 0 when the stamp in VENV says FILE (this exact content) is installed.
requirements_up_to_date() {
  [ "$(cat "$(requirements_stamp "$1")" 2>/dev/null || true)" = "$(requirements_hash "$1")" ]
}

# Call after "pip install -r FILE" succeeded.
requirements_mark_installed() {
  requirements_hash "$1" >"$(requirements_stamp "$1")"
  if [ "$1" = requirements-dev.txt ]; then
    # The development set includes the runtime set.
    requirements_hash requirements.txt >"$(requirements_stamp requirements.txt)"
  fi
}

# Sets PIP_INSTALL to the pip command that installs FILE into VENV (further
# arguments are pip options).
pip_install_command() {
  local file=$1
  shift
  # shellcheck disable=SC2034  # read by the caller
  PIP_INSTALL=("$VENV_PYTHON" -m pip install --disable-pip-version-check --progress-bar off "$@" -r "$file")
}
