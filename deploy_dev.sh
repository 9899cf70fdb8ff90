#!/usr/bin/env bash
# Sets up a development environment: .venv with requirements-dev.txt (the
# runtime set plus pytest, ruff, ...), then prints how to start the dev server
# and a Celery worker. Safe to run again; the install is skipped while
# requirements.txt and requirements-dev.txt are unchanged.
#
# KLIPPERIWC_VENV names a virtualenv to use instead of .venv.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")"
PROGRAM=deploy_dev.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

case "${1:-}" in
  "") ;;
  -h | --help)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "Usage: ./deploy_dev.sh [--help]" >&2
    exit 2
    ;;
esac

echo "==> $(utc_now)  Finding Python 3.11+ and the virtualenv"
venv_setup

echo "==> $(utc_now)  Installing requirements-dev.txt"
if requirements_up_to_date requirements-dev.txt; then
  echo "Already installed (the stamp in $VENV matches); skipped."
else
  pip_install_command requirements-dev.txt --quiet
  "${PIP_INSTALL[@]}" || die "pip install -r requirements-dev.txt failed (see above)."
  requirements_mark_installed requirements-dev.txt
fi

cat <<EOF

Development environment ready in $VENV.

Dev server (live reload, debug logging on the console). daphne comes first in
INSTALLED_APPS, so this runserver is daphne's: it serves the WebSockets
(/ws/status) on the same port too.

    . $VENV/bin/activate
    export APP_ENV=development LOG_LEVEL=debug
    python manage.py migrate
    python manage.py runserver 0.0.0.0:8000

Celery worker with an embedded beat, in a second terminal (same activate and
export lines first):

    celery -A klipperiwc_site worker --beat --loglevel debug

Then open http://127.0.0.1:8000/ (API docs /api/docs/, admin /admin/; create
an admin with "python manage.py createsuperuser").
Tests and lint: ./test.sh
If ./deploy.sh runs in this directory, stop it first (./deploy.sh stop): it
uses port 8000 and runs its own worker and beat.
EOF
