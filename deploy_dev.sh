#!/usr/bin/env bash
# Starts the development setup in the foreground: the dev server with live
# reload (daphne's "manage.py runserver", so /ws/status works on the same
# port), a Celery worker with an embedded beat and, when BRIDGE_MODE is
# "process" (the default with REDIS_URL), the bridge ("manage.py run_bridge";
# otherwise it runs inside the dev server), APP_ENV=development (debug mode,
# logs on the console). Ctrl-C stops them all.
#
#   ./deploy_dev.sh                 install requirements-dev.txt into .venv
#                                   (skipped while unchanged), migrate, start
#   ./deploy_dev.sh --install-only  install, migrate, print how to start
#   ./deploy_dev.sh --no-install    start without checking the requirements
#
# HOST and PORT (default 0.0.0.0:8000) come from the settings: .env (or
# ENV_FILE), then the environment. KLIPPERIWC_VENV names a virtualenv to use
# instead of .venv.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")"
APP_DIR=$(pwd -P)
PROGRAM=deploy_dev.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

STOP_WAIT_SECONDS=15
install=yes
start=yes
case "${1:-}" in
  "") ;;
  --install-only) start="" ;;
  --no-install) install="" ;;
  -h | --help)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "Usage: ./deploy_dev.sh [--install-only | --no-install | --help]" >&2
    exit 2
    ;;
esac
[ "$#" -le 1 ] || die "one option at most; see ./deploy_dev.sh --help"

say() {
  echo "==> $(utc_now)  $*"
}

say "Finding Python 3.11+ and the virtualenv"
venv_setup
VENV=$(cd "$VENV" && pwd -P)
VENV_PYTHON=$VENV/bin/python

if [ -n "$install" ]; then
  say "Installing requirements-dev.txt"
  if requirements_up_to_date requirements-dev.txt; then
    echo "Already installed (the stamp in $VENV matches); skipped."
  else
    pip_install_command requirements-dev.txt --quiet
    "${PIP_INSTALL[@]}" || die "pip install -r requirements-dev.txt failed (see above)."
    requirements_mark_installed requirements-dev.txt
  fi
fi

# Development whatever the env file says (the environment wins over it).
export APP_ENV=development

say "Reading the configuration"
config=$("$VENV_PYTHON" -m scripts.deploy_helper config 2>&1) ||
  die "$(grep -m1 '^Configuration error:' <<<"$config" || echo "$config")"
while IFS= read -r line; do
  case "$line" in
    HOST=* | PORT=* | LOG_LEVEL=* | CELERY_CONCURRENCY=* | BRIDGE_MODE=* | ENV_FILE_READ=*)
      eval "$line" # shlex.quote'd by scripts/deploy_helper.py
      ;;
  esac
done <<<"$config"
echo "Env file: ${ENV_FILE_READ:-none}; HOST=$HOST PORT=$PORT LOG_LEVEL=$LOG_LEVEL BRIDGE_MODE=$BRIDGE_MODE"

say "Applying database migrations, setting up app data"
"$VENV_PYTHON" manage.py migrate --noinput
"$VENV_PYTHON" manage.py setup_app_data

if [ -z "$start" ]; then
  cat <<EOF

Development environment ready in $VENV. Start it with ./deploy_dev.sh
(dev server on $HOST:$PORT with live reload and /ws/status, Celery worker with
beat, and with BRIDGE_MODE=process the bridge; Ctrl-C stops them all). Tests
and lint: ./test.sh
EOF
  exit 0
fi

# ./deploy.sh's daemons in this directory would share the port, the Celery
# broker folder and beat's schedule.
for pidfile in logs/app.pid logs/celery.pid logs/bridge-*.pid; do
  pid=$(tr -dc '0-9' <"$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null || true)" = "$APP_DIR" ]; then
    die "./deploy.sh runs in this directory (pid $pid in $pidfile); stop it first: ./deploy.sh stop"
  fi
done
why=$("$VENV_PYTHON" -m scripts.deploy_helper port "$HOST" "$PORT" 2>&1) ||
  die "cannot listen on $HOST:$PORT: ${why}; stop that program or choose another port, e.g. PORT=8001 ./deploy_dev.sh"

WEB=""
CELERY=""
BRIDGE=""

# Exit 0 while a live (not zombie) process of session SID exists.
session_alive() {
  local entry stat fields
  for entry in /proc/[0-9]*; do
    read -r stat 2>/dev/null <"$entry/stat" || continue
    read -r -a fields <<<"${stat##*) }"
    [ "${fields[3]}" = "$1" ] && [ "${fields[0]}" != Z ] && return 0
  done
  return 1
}

stopping=""
stop_children() {
  [ -z "$stopping" ] || return 0
  stopping=yes
  local status=${1:-0} waited=0 sid
  echo
  say "Stopping the dev server, the Celery worker${BRIDGE:+ and the bridge}"
  # Celery's warm shutdown stops its pool and beat itself; the dev server's
  # autoreloader and its server process both take SIGTERM; the bridge gives
  # back its leases on SIGTERM.
  [ -z "$CELERY" ] || kill -TERM "$CELERY" 2>/dev/null || true
  [ -z "$WEB" ] || kill -TERM -- "-$WEB" 2>/dev/null || true
  [ -z "$BRIDGE" ] || kill -TERM -- "-$BRIDGE" 2>/dev/null || true
  while [ "$waited" -lt $((STOP_WAIT_SECONDS * 5)) ]; do
    { [ -n "$WEB" ] && session_alive "$WEB"; } || { [ -n "$CELERY" ] && session_alive "$CELERY"; } ||
      { [ -n "$BRIDGE" ] && session_alive "$BRIDGE"; } || break
    sleep 0.2
    waited=$((waited + 1))
    # Whatever outlives Celery's main process gets SIGTERM too.
    if [ -n "$CELERY" ] && ! kill -0 "$CELERY" 2>/dev/null; then
      kill -TERM -- "-$CELERY" 2>/dev/null || true
    fi
  done
  for sid in $WEB $CELERY $BRIDGE; do
    if session_alive "$sid"; then
      echo "$PROGRAM: session $sid did not stop within $STOP_WAIT_SECONDS s; sending SIGKILL" >&2
      kill -KILL -- "-$sid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  say "Stopped"
  exit "$status"
}
# Ctrl-C is the normal way to stop: exit status 0. Any other exit (an error
# here) stops the children too.
trap 'stop_children 0' INT TERM HUP
trap 'stop_children $?' EXIT

# Each child leads a session of its own (setsid; a background job of this
# shell is no group leader, so setsid needs no fork and $! is the leader),
# which holds what it starts (the autoreloader's server process, Celery's
# pool and beat): Ctrl-C reaches this script only, which stops them in order
# and waits until they are gone.
say "Starting the dev server (daphne's runserver, live reload) on $HOST:$PORT"
setsid "$VENV_PYTHON" manage.py runserver "$HOST:$PORT" </dev/null &
WEB=$!
say "Starting the Celery worker with beat"
setsid "$VENV/bin/celery" -A klipperiwc_site worker --beat \
  --loglevel "$LOG_LEVEL" --concurrency "$CELERY_CONCURRENCY" --hostname "klipperiwc-dev@%h" </dev/null &
CELERY=$!
if [ "$BRIDGE_MODE" = process ]; then
  # The dev server does not run the bridge then; it runs on its own, as in production.
  say "Starting the bridge (manage.py run_bridge)"
  setsid "$VENV_PYTHON" manage.py run_bridge </dev/null &
  BRIDGE=$!
  bridge_line="Bridge pid $BRIDGE."
else
  bridge_line="The bridge runs inside the dev server (BRIDGE_MODE=$BRIDGE_MODE)."
fi
cat <<EOF

Dev server: http://$([ "$HOST" = 0.0.0.0 ] && echo 127.0.0.1 || echo "$HOST"):$PORT/ (API docs /api/docs/,
admin /admin/: create a user with "$VENV_PYTHON manage.py createsuperuser").
Web server pid $WEB, Celery worker pid $CELERY. $bridge_line Ctrl-C stops them all.

EOF

# Until Ctrl-C (the trap), or until one of them exits by itself.
# shellcheck disable=SC2086  # $BRIDGE: one pid or none
wait -n "$WEB" "$CELERY" $BRIDGE || true
if [ -z "$stopping" ]; then
  echo "$PROGRAM: the dev server, the Celery worker or the bridge exited (see above); stopping the others." >&2
  stop_children 1
fi
