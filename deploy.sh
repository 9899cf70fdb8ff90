#!/usr/bin/env bash
# Installs and runs KlipperIWC on this machine: daphne (HTTP + WebSockets) and
# one Celery worker with an embedded beat, both as background daemons.
#
#   ./deploy.sh            install or update, then (re)start; safe to run again
#   ./deploy.sh restart    stop and start again without installing anything
#   ./deploy.sh stop       stop both daemons
#   ./deploy.sh status     is each daemon running, does /healthz answer
#                          (exit 0 when both run, 3 otherwise)
#
# Needs only Python 3.11+ (no sudo, systemd, curl or docker). Configuration
# comes from the environment (README.md has the table); deploy.sh itself reads
# APP_ENV (default production), HOST (0.0.0.0), PORT (8000), LOG_LEVEL (info),
# CELERY_CONCURRENCY (2), DEPLOY_WAIT_SECONDS (60) and KLIPPERIWC_VENV (a
# virtualenv to use instead of .venv).
#
# Files: logs/deploy.log (output of the last deploy's steps), logs/app.log
# (daphne and the web process), logs/celery.log (worker and beat),
# logs/app.pid and logs/celery.pid, data/secret_key (made once).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")"
APP_DIR=$(pwd -P)
PROGRAM=deploy.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

LOG_DIR=logs
DEPLOY_LOG=$LOG_DIR/deploy.log
APP_LOG=$LOG_DIR/app.log
# The web server: klipperiwc_site/web.py runs the daphne processes.
WEB_NAME=klipperiwc_site.web
APP_PID=$LOG_DIR/app.pid
CELERY_LOG=$LOG_DIR/celery.log
CELERY_PID=$LOG_DIR/celery.pid
STOP_WAIT_SECONDS=15

usage() {
  cat <<'EOF'
Usage: ./deploy.sh [start|restart|stop|status|--help]

  (none), start  install requirements into .venv, check the configuration,
                 migrate, collect static files, set up app data and the admin
                 user, then (re)start daphne and the Celery worker + beat and
                 wait until /healthz answers
  restart        stop and start the daemons again (no install or migrate)
  stop           stop both daemons
  status         show whether each daemon runs and /healthz answers;
                 exit 0 when both run, 3 otherwise
  -h, --help     show this text

Environment: APP_ENV (production), HOST (0.0.0.0), PORT (8000),
LOG_LEVEL (info), CELERY_CONCURRENCY (2), DEPLOY_WAIT_SECONDS (60),
KLIPPERIWC_VENV (use this virtualenv instead of .venv), DJANGO_SUPERUSER_USERNAME,
_PASSWORD and _EMAIL (create the admin user), and every setting in README.md.
Logs: logs/deploy.log, logs/app.log, logs/celery.log.
EOF
}

# --- Output -------------------------------------------------------------------

STEP=0
STEPS=0

step() {
  STEP=$((STEP + 1))
  local line
  line="==> [$STEP/$STEPS] $(utc_now)  $*"
  echo "$line"
  echo "$line" >>"$DEPLOY_LOG"
}

info() {
  echo "    $*"
  echo "    $*" >>"$DEPLOY_LOG"
}

# Prints the lines of FILE after its first OFFSET bytes, at most 30 of them.
show_tail() {
  local file=$1 offset=${2:-0}
  [ -f "$file" ] || return 0
  echo "---- last lines of $file ----" >&2
  tail -c +"$((offset + 1))" "$file" | tail -n 30 >&2
  echo "---- end of $file ----" >&2
}

file_size() {
  if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}

# run_step COMMAND...: output goes to the deploy log; on failure, shows what
# went wrong and exits 1.
run_step() {
  local offset status=0
  offset=$(file_size "$DEPLOY_LOG")
  "$@" </dev/null >>"$DEPLOY_LOG" 2>&1 || status=$?
  [ "$status" -eq 0 ] && return 0
  echo "$PROGRAM: step $STEP/$STEPS failed (exit status $status): $*" >&2
  local config_error
  config_error=$(tail -c +"$((offset + 1))" "$DEPLOY_LOG" | grep -m1 '^Configuration error:' || true)
  if [ -n "$config_error" ]; then
    # settings.py names the variable and what it accepts, in one line.
    echo "$config_error" >&2
  else
    show_tail "$DEPLOY_LOG" "$offset"
  fi
  echo "$PROGRAM: nothing was started or stopped; the full output is in $DEPLOY_LOG" >&2
  exit 1
}

manage() {
  "$VENV_PYTHON" manage.py "$@"
}

# --- Settings deploy.sh passes on ---------------------------------------------

read_environment() {
  export APP_ENV=${APP_ENV:-production}
  export HOST=${HOST:-0.0.0.0}
  export PORT=${PORT:-8000}
  export LOG_LEVEL=${LOG_LEVEL:-info}
  # As settings.py reads it (it validates the value): trimmed, any case.
  CELERY_LOG_LEVEL=${LOG_LEVEL,,}
  CELERY_LOG_LEVEL=${CELERY_LOG_LEVEL//[[:space:]]/}
  CELERY_CONCURRENCY=${CELERY_CONCURRENCY:-2}
  DEPLOY_WAIT_SECONDS=${DEPLOY_WAIT_SECONDS:-60}
  [[ $CELERY_CONCURRENCY =~ ^[1-9][0-9]*$ ]] ||
    die "CELERY_CONCURRENCY=$CELERY_CONCURRENCY is not allowed; use a whole number of at least 1."
  [[ $DEPLOY_WAIT_SECONDS =~ ^[1-9][0-9]*$ ]] ||
    die "DEPLOY_WAIT_SECONDS=$DEPLOY_WAIT_SECONDS is not allowed; use a whole number of at least 1."
}

# The address to reach HOST from this machine, as it goes into a URL.
local_address() {
  local host=$1
  case "$host" in
    0.0.0.0 | "") echo 127.0.0.1 ;;
    :: | "[::]") echo "[::1]" ;;
    \[*) echo "$host" ;;
    *:*) echo "[$host]" ;;
    *) echo "$host" ;;
  esac
}

# GET URL without proxies; prints "STATUS BODY" or the error. Exit 0 on 200.
# With ALLOWED_HOSTS restricted, the Host header is its first name (Django
# answers 400 to any other).
HEALTH_PROBE='
import os, sys, urllib.error, urllib.request
url = sys.argv[1]
headers = {}
names = [n.strip() for n in os.environ.get("ALLOWED_HOSTS", "").split(",") if n.strip()]
if names and "*" not in names:
    headers["Host"] = names[0].lstrip(".")
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(urllib.request.Request(url, headers=headers), timeout=3) as response:
        print(response.status, response.read(200).decode(errors="replace"))
        sys.exit(0 if response.status == 200 else 1)
except urllib.error.HTTPError as exc:
    print(exc.code, exc.read(200).decode(errors="replace"))
except Exception as exc:
    print(f"no answer ({exc})")
sys.exit(1)
'

health_probe() {
  "$VENV_PYTHON" -c "$HEALTH_PROBE" "$1" 2>&1
}

# Exit 0 when HOST:PORT can be bound (nothing listens there), 1 when it is in
# use, 2 when HOST is no address of this machine.
PORT_PROBE='
import errno, socket, sys
host, port = sys.argv[1], int(sys.argv[2])
try:
    family, kind, proto, _, address = socket.getaddrinfo(
        host.strip("[]") or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
except socket.gaierror as exc:
    print(f"HOST={host!r} cannot be resolved ({exc})")
    sys.exit(2)
with socket.socket(family, kind, proto) as sock:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        print(exc.strerror)
        sys.exit(1 if exc.errno == errno.EADDRINUSE else 2)
'

# --- Processes ------------------------------------------------------------------

# Sets CMDLINE (the words of PID's command line, joined by spaces) and ARGS
# (the words). Fails when PID is gone or a zombie (empty command line).
read_cmdline() {
  ARGS=()
  mapfile -d '' -t ARGS 2>/dev/null <"/proc/$1/cmdline" || return 1
  [ "${#ARGS[@]}" -gt 0 ] || return 1
  CMDLINE="${ARGS[*]}"
}

# Sets STATE and PGRP_OF from /proc/PID/stat; fails when PID is gone.
# Reads with builtins only: group_alive runs this for every process, often.
read_stat() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  # The command name (in parentheses) may hold spaces; the rest comes after ") ".
  read -r STATE _ PGRP_OF _ <<<"${stat##*) }"
}

# Exit 0 when PID is a live NAME process (daphne or celery) running in this
# directory; anything else (gone, zombie, pid reused) is not ours.
is_our_daemon() {
  local pid=$1 name=$2
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  read_cmdline "$pid" || return 1
  case "$CMDLINE" in
    *"$name"*) ;;
    *) return 1 ;;
  esac
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null || true)" = "$APP_DIR" ]
}

# The pid in PIDFILE when it names our NAME daemon; empty otherwise.
daemon_pid() {
  local pidfile=$1 name=$2 pid
  [ -f "$pidfile" ] || return 0
  pid=$(tr -dc '0-9' <"$pidfile")
  if is_our_daemon "$pid" "$name"; then
    echo "$pid"
  fi
}

# How many live daphne processes are in process group PGID (the web server's).
daphne_count() {
  local pgid=$1 entry count=0
  for entry in /proc/[0-9]*; do
    read_stat "${entry#/proc/}" || continue
    [ "$PGRP_OF" = "$pgid" ] && [ "$STATE" != Z ] || continue
    read_cmdline "${entry#/proc/}" || continue
    case "$CMDLINE" in *" -m daphne "*) count=$((count + 1)) ;; esac
  done
  echo "$count"
}

# Exit 0 while a process of process group PGID is alive (zombies do not count).
group_alive() {
  local pgid=$1 entry
  for entry in /proc/[0-9]*; do
    read_stat "${entry#/proc/}" || continue
    if [ "$PGRP_OF" = "$pgid" ] && [ "$STATE" != Z ]; then
      return 0
    fi
  done
  return 1
}

# Exit 0 while PID is alive (a zombie is not).
alive() {
  read_stat "$1" && [ "$STATE" != Z ]
}

# Stops the daemon in PIDFILE and its process group, SIGKILL after
# STOP_WAIT_SECONDS. Removes the pid file; a stale one is just removed.
stop_daemon() {
  local name=$1 pidfile=$2 pid waited=0 group_termed=""
  if [ ! -f "$pidfile" ]; then
    echo "$name: not running"
    return 0
  fi
  pid=$(daemon_pid "$pidfile" "$name")
  if [ -z "$pid" ]; then
    rm -f "$pidfile"
    echo "$name: not running (removed the stale $pidfile)"
    return 0
  fi
  # Started with setsid: the daemon leads its own process group, which holds
  # its children too (Celery's pool processes and beat). SIGTERM goes to the
  # leader first: Celery's warm shutdown stops its children itself, while a
  # SIGTERM to each child makes the worker hang. Whatever of the group
  # outlives the leader gets SIGTERM next, and SIGKILL at the deadline.
  kill -TERM "$pid" 2>/dev/null || true
  while group_alive "$pid" && [ "$waited" -lt $((STOP_WAIT_SECONDS * 5)) ]; do
    if [ -z "$group_termed" ] && ! alive "$pid"; then
      kill -TERM -- "-$pid" 2>/dev/null || true
      group_termed=yes
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  if group_alive "$pid"; then
    echo "$name (pid $pid) did not stop within $STOP_WAIT_SECONDS s; sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    waited=0
    while group_alive "$pid" && [ "$waited" -lt 50 ]; do
      sleep 0.2
      waited=$((waited + 1))
    done
    if group_alive "$pid"; then
      echo "$PROGRAM: could not stop $name (process group $pid survives SIGKILL); $pidfile kept." >&2
      return 1
    fi
  fi
  rm -f "$pidfile"
  echo "Stopped $name (pid $pid)"
}

stop_all() {
  local status=0
  stop_daemon "$WEB_NAME" "$APP_PID" || status=1
  stop_daemon celery "$CELERY_PID" || status=1
  return "$status"
}

# Daphne or Celery processes running in this directory that no pid file
# names (started by hand, or their pid file was deleted): warned about, never
# killed, because they are not ours to stop.
unmanaged_processes() {
  local managed=" " pid entry
  for pid in $(daemon_pid "$APP_PID" "$WEB_NAME") $(daemon_pid "$CELERY_PID" celery); do
    managed+="$pid "
  done
  for entry in /proc/[0-9]*; do
    pid=${entry#/proc/}
    read_cmdline "$pid" || continue
    case "$CMDLINE" in
      *"$WEB_NAME"* | *daphne*klipperiwc_site* | *celery*klipperiwc_site*) ;;
      *) continue ;;
    esac
    [ "$(readlink "$entry/cwd" 2>/dev/null || true)" = "$APP_DIR" ] || continue
    read_stat "$pid" || continue
    # Our daemons lead their process groups, which hold their children.
    case "$managed" in *" $PGRP_OF "*) continue ;; esac
    echo "$pid: $CMDLINE"
  done
}

warn_unmanaged() {
  local found
  found=$(unmanaged_processes)
  if [ -n "$found" ]; then
    echo "$PROGRAM: warning: daphne/Celery processes from this directory that deploy.sh did not start" \
      "(stop them yourself if they are left over):" >&2
    echo "    ${found//$'\n'/$'\n'    }" >&2
  fi
}

# start_daemon NAME PIDFILE LOGFILE COMMAND...: runs COMMAND in a session of
# its own (setsid; nohup ignores SIGHUP), output appended to LOGFILE. The
# shell writes its own pid, then execs the command, so the pid file holds the
# daemon's pid even if setsid had to fork.
start_daemon() {
  local name=$1 pidfile=$2 logfile=$3 tries=0 offset
  shift 3
  offset=$(file_size "$logfile")
  rm -f "$pidfile"
  # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec nohup "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  while [ ! -s "$pidfile" ] && [ "$tries" -lt 100 ]; do
    sleep 0.05
    tries=$((tries + 1))
  done
  [ -s "$pidfile" ] || start_failed "$name did not start (no $pidfile)." "$logfile" "$offset"
  info "$name started (pid $(cat "$pidfile")), logging to $logfile"
}

# --- Steps --------------------------------------------------------------------------

take_lock() {
  mkdir -p "$LOG_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOG_DIR/deploy.lock"
    flock -n 9 || die "another deploy.sh is running in $APP_DIR; wait for it to finish."
  fi
}

new_deploy_log() {
  if [ -f "$DEPLOY_LOG" ]; then
    mv -f "$DEPLOY_LOG" "$DEPLOY_LOG.1"
  fi
  echo "deploy.sh $* at $(utc_now) in $APP_DIR" >"$DEPLOY_LOG"
}

step_virtualenv() {
  step "Finding Python 3.11+ and the virtualenv"
  local offset
  offset=$(file_size "$DEPLOY_LOG")
  venv_setup >>"$DEPLOY_LOG"
  tail -c +"$((offset + 1))" "$DEPLOY_LOG" | sed 's/^/    /'
  VENV=$(cd "$VENV" && pwd -P)
  VENV_PYTHON=$VENV/bin/python
}

step_existing_virtualenv() {
  step "Finding the virtualenv"
  VENV=${KLIPPERIWC_VENV:-.venv}
  if [ ! -x "$VENV/bin/daphne" ] || [ ! -x "$VENV/bin/celery" ]; then
    die "$VENV has no daphne/celery yet; run ./deploy.sh (without restart) first."
  fi
  VENV=$(cd "$VENV" && pwd -P)
  VENV_PYTHON=$VENV/bin/python
  info "Using $VENV"
}

step_requirements() {
  step "Installing requirements.txt"
  if requirements_up_to_date requirements.txt; then
    info "Already installed (the stamp in $VENV matches requirements.txt); skipped."
    return 0
  fi
  info "Running pip; its output goes to $DEPLOY_LOG (the first time takes a minute or two)."
  pip_install_command requirements.txt
  run_step "${PIP_INSTALL[@]}"
  requirements_mark_installed requirements.txt
  info "Installed."
}

step_secret_key() {
  step "Checking the secret key"
  if [ -n "${SECRET_KEY:-}" ]; then
    info "SECRET_KEY is set in the environment; data/secret_key is not used."
    return 0
  fi
  if [ -e data/secret_key ]; then
    info "data/secret_key exists; kept."
    return 0
  fi
  (
    umask 077
    mkdir -p data
    # O_EXCL: never overwrites a key, even one created meanwhile.
    "$VENV_PYTHON" -c '
import os, secrets
fd = os.open("data/secret_key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
with os.fdopen(fd, "w") as handle:
    handle.write(secrets.token_urlsafe(50) + "\n")
'
  ) || die "could not create data/secret_key"
  info "Created data/secret_key (mode 0600). Keep it: sessions and signed data depend on it."
}

step_check() {
  step "Checking the configuration (APP_ENV=$APP_ENV HOST=$HOST PORT=$PORT LOG_LEVEL=$LOG_LEVEL)"
  run_step manage check
}

step_migrate() {
  step "Applying database migrations"
  run_step manage migrate --noinput
}

step_collectstatic() {
  step "Collecting static files"
  run_step manage collectstatic --noinput
}

step_app_data() {
  step "Setting up app data (the board catalog: sync_boards)"
  run_step manage setup_app_data
}

step_superuser() {
  step "Creating the admin user (from DJANGO_SUPERUSER_*)"
  local offset
  offset=$(file_size "$DEPLOY_LOG")
  run_step manage ensure_superuser
  tail -c +"$((offset + 1))" "$DEPLOY_LOG" | sed 's/^/    /'
}

step_stop_previous() {
  step "Stopping the running copy, checking that $HOST:$PORT is free"
  local stopped line stop_status=0
  stopped=$(stop_all) || stop_status=$?
  while IFS= read -r line; do
    info "$line"
  done <<<"$stopped"
  [ "$stop_status" -eq 0 ] || die "the running copy did not stop; not starting a second one."
  warn_unmanaged
  local why status=0
  why=$("$VENV_PYTHON" -c "$PORT_PROBE" "$HOST" "$PORT" 2>&1) || status=$?
  case "$status" in
    0) info "$HOST:$PORT is free." ;;
    1)
      echo "$PROGRAM: cannot listen on $HOST:$PORT: ${why}." >&2
      echo "$PROGRAM: another program listens on port $PORT; stop it, or choose another port, e.g. PORT=8080 ./deploy.sh" >&2
      exit 1
      ;;
    *)
      echo "$PROGRAM: cannot listen on $HOST:$PORT: ${why}." >&2
      echo "$PROGRAM: HOST must be an address of this machine, or 0.0.0.0 for all of them." >&2
      exit 1
      ;;
  esac
}

step_start() {
  step "Starting the web server (daphne) on $HOST:$PORT and the Celery worker with beat"
  APP_LOG_OFFSET=$(file_size "$APP_LOG")
  CELERY_LOG_OFFSET=$(file_size "$CELERY_LOG")
  # WEB_PROCESSES daphne processes on one socket; --proxy-headers when
  # TRUST_PROXY_HEADERS says a proxy sets them (klipperiwc_site/web.py).
  start_daemon "$WEB_NAME" "$APP_PID" "$APP_LOG" \
    "$VENV/bin/python" -m "$WEB_NAME" -b "$HOST" -p "$PORT"
  start_daemon celery "$CELERY_PID" "$CELERY_LOG" \
    env LOG_FILE="$CELERY_LOG" \
    "$VENV/bin/celery" -A klipperiwc_site worker --beat \
    --loglevel "$CELERY_LOG_LEVEL" --concurrency "$CELERY_CONCURRENCY" --hostname "klipperiwc@%h"
}

# start_failed MESSAGE [LOG OFFSET]...: stops what this run started and
# exits 1, showing the end of each LOG after its first OFFSET bytes.
start_failed() {
  local message=$1
  shift
  echo "$PROGRAM: $message" >&2
  while [ "$#" -gt 0 ]; do
    show_tail "$1" "$2"
    shift 2
  done
  stop_all >/dev/null || true
  echo "$PROGRAM: stopped what this run started; nothing is running now." >&2
  exit 1
}

step_wait_healthy() {
  local url
  url="http://$(local_address "$HOST"):$PORT/healthz"
  step "Waiting up to $DEPLOY_WAIT_SECONDS s for $url"
  local deadline=$((SECONDS + DEPLOY_WAIT_SECONDS)) answer=""
  while :; do
    [ -n "$(daemon_pid "$APP_PID" "$WEB_NAME")" ] ||
      start_failed "the web server (daphne) exited during start-up." "$APP_LOG" "$APP_LOG_OFFSET"
    [ -n "$(daemon_pid "$CELERY_PID" celery)" ] ||
      start_failed "the Celery worker exited during start-up." "$CELERY_LOG" "$CELERY_LOG_OFFSET"
    if answer=$(health_probe "$url"); then
      break
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      start_failed "$url did not answer 200 within $DEPLOY_WAIT_SECONDS s (last answer: $answer)." \
        "$APP_LOG" "$APP_LOG_OFFSET" "$CELERY_LOG" "$CELERY_LOG_OFFSET"
    fi
    sleep 0.5
  done
  info "/healthz: $answer"
}

print_urls() {
  local base lan
  base="http://$(local_address "$HOST"):$PORT"
  echo
  echo "KlipperIWC is running (web server pid $(cat "$APP_PID"), Celery worker pid $(cat "$CELERY_PID"))."
  echo "  Site:      $base/"
  echo "  API docs:  $base/api/docs/"
  echo "  Admin:     $base/admin/"
  if [ "$HOST" = 0.0.0.0 ]; then
    lan=$("$VENV_PYTHON" -c '
import socket
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.connect(("192.0.2.1", 9))  # no packet is sent; picks the outgoing address
    print(s.getsockname()[0])
' 2>/dev/null || true)
    if [ -n "$lan" ] && [ "$lan" != 127.0.0.1 ]; then
      echo "  From other machines: http://$lan:$PORT/"
    fi
  fi
  echo "Logs: $APP_LOG, $CELERY_LOG (deploy steps: $DEPLOY_LOG)."
  echo "Status: ./deploy.sh status    Stop: ./deploy.sh stop"
}

# --- Commands ---------------------------------------------------------------------

cmd_start() {
  take_lock
  read_environment
  new_deploy_log start
  STEPS=11
  step_virtualenv
  step_requirements
  step_secret_key
  step_check
  step_migrate
  step_collectstatic
  step_app_data
  step_superuser
  step_stop_previous
  step_start
  step_wait_healthy
  print_urls
}

cmd_restart() {
  take_lock
  read_environment
  new_deploy_log restart
  STEPS=5
  step_existing_virtualenv
  step_check
  step_stop_previous
  step_start
  step_wait_healthy
  print_urls
}

cmd_stop() {
  take_lock
  stop_all
}

cmd_status() {
  local app celery running=0 host="" port="" arg previous=""
  app=$(daemon_pid "$APP_PID" "$WEB_NAME")
  celery=$(daemon_pid "$CELERY_PID" celery)
  if [ -n "$app" ] && read_cmdline "$app"; then
    # The address the web server was started with, and its Python (the
    # venv's), from its command line: "PYTHON -m klipperiwc_site.web -b HOST -p PORT".
    VENV_PYTHON=${ARGS[0]}
    for arg in "${ARGS[@]}"; do
      case "$previous" in
        -b) host=$arg ;;
        -p) port=$arg ;;
      esac
      previous=$arg
    done
    echo "web: running (pid $app, $(daphne_count "$app") daphne process(es)) on ${host:-?}:${port:-?}"
    running=$((running + 1))
  else
    echo "web: not running"
  fi
  if [ -n "$celery" ]; then
    echo "celery: running (pid $celery), worker with beat"
    running=$((running + 1))
  else
    echo "celery: not running"
  fi
  if [ -n "$app" ] && [ -n "$host" ] && [ -n "$port" ]; then
    local url answer
    url="http://$(local_address "$host"):$port/healthz"
    if answer=$(health_probe "$url"); then
      echo "/healthz: answers ($url: $answer)"
    else
      echo "/healthz: does not answer 200 ($url: $answer)"
    fi
  else
    echo "/healthz: not checked (the web server is not running)"
  fi
  warn_unmanaged
  [ "$running" -eq 2 ] || exit 3
}

if [ "$#" -gt 1 ]; then
  usage >&2
  exit 2
fi
case "${1:-start}" in
  start) cmd_start ;;
  restart) cmd_restart ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h | --help | help) usage ;;
  *)
    echo "$PROGRAM: unknown argument: $1" >&2
    usage >&2
    exit 2
    ;;
esac
