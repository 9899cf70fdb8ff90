#!/usr/bin/env bash
# Installs and runs KlipperIWC on this machine: daphne (HTTP + WebSockets),
# one Celery worker with an embedded beat and, in scaled mode
# (BRIDGE_MODE=process, the default with REDIS_URL), BRIDGE_PROCESSES bridges
# (manage.py run_bridge, default 1), all as background daemons. In embedded
# mode (BRIDGE_MODE=web) the bridge runs inside the web server.
#
#   ./deploy.sh            install or update, then (re)start; safe to run again
#   ./deploy.sh restart    stop and start again without installing anything
#   ./deploy.sh stop       stop every daemon
#   ./deploy.sh status     is each daemon running, does /healthz answer
#                          (exit 0 when all run, 3 otherwise)
#
# Needs only Python 3.11+ (no sudo, systemd, curl or docker). Configuration
# comes from .env in this directory (or the file ENV_FILE names) and the
# environment, which wins (README.md has the table); every process reads the
# same file, so "restart" keeps what the first call was given. deploy.sh asks
# the settings for what it uses itself: APP_ENV (default production), HOST
# (0.0.0.0), PORT (8000), LOG_LEVEL (info), CELERY_CONCURRENCY (2),
# DEPLOY_WAIT_SECONDS (60), BRIDGE_MODE (web without REDIS_URL, process with
# it) and BRIDGE_PROCESSES (1). KLIPPERIWC_VENV (a virtualenv to use instead
# of .venv) comes from the environment only: it is needed before Python is.
#
# Nothing running is stopped before the new copy is known to be startable
# (configuration, migrations, port free or held by the running copy); if the
# new copy then does not become healthy, the previous one is started again,
# with its own command line and environment.
#
# Files: logs/deploy.log (output of the last deploy's steps), logs/app.log
# (daphne and the web process), logs/celery.log (worker and beat),
# logs/bridge.log (every bridge process), logs/app.pid, logs/celery.pid,
# logs/bridge-1.pid ... (one per bridge), data/secret_key (made once).
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
# The bridges (scaled mode): "manage.py run_bridge" on their command lines,
# pid files logs/bridge-1.pid, logs/bridge-2.pid, ..., one log for all of them
# (each record names its process id).
BRIDGE_NAME=run_bridge
BRIDGE_LOG=$LOG_DIR/bridge.log
STOP_WAIT_SECONDS=15

usage() {
  cat <<'EOF'
Usage: ./deploy.sh [start|restart|stop|status|--help]

  (none), start  install requirements into .venv, check the configuration,
                 migrate, collect static files, set up app data and the admin
                 user, then (re)start daphne, the Celery worker + beat and,
                 with BRIDGE_MODE=process, the bridges, and wait until
                 /healthz answers
  restart        stop and start the daemons again (no install or migrate)
  stop           stop every daemon
  status         show whether each daemon runs and /healthz answers;
                 exit 0 when all run, 3 otherwise
  -h, --help     show this text

Configuration: .env in this directory (ENV_FILE names another file; empty:
none), then the environment, which wins: APP_ENV (production), HOST (0.0.0.0),
PORT (8000), LOG_LEVEL (info), CELERY_CONCURRENCY (2), DEPLOY_WAIT_SECONDS (60),
BRIDGE_MODE (web without REDIS_URL: the bridge runs inside the web server;
process with it: deploy.sh starts BRIDGE_PROCESSES "manage.py run_bridge"
daemons, default 1), DJANGO_SUPERUSER_USERNAME, _PASSWORD and _EMAIL (create
the admin user), and every setting in README.md. KLIPPERIWC_VENV (use this
virtualenv instead of .venv) is read from the environment only.
Logs: logs/deploy.log, logs/app.log, logs/celery.log, logs/bridge.log.
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

# Sets APP_ENV, HOST, PORT, LOG_LEVEL, WEB_PROCESSES, CELERY_CONCURRENCY,
# DEPLOY_WAIT_SECONDS, BRIDGE_MODE, BRIDGE_PROCESSES, SECRET_KEY_SOURCE and
# ENV_FILE_READ from the settings (env file and environment, checked), so bash
# never parses the configuration itself (nor works out BRIDGE_MODE's default).
read_configuration() {
  local output status=0 config_error
  output=$(helper config 2>&1) || status=$?
  if [ "$status" -ne 0 ]; then
    config_error=$(grep -m1 '^Configuration error:' <<<"$output" || true)
    echo "${config_error:-$output}" >&2
    echo "$PROGRAM: nothing was started or stopped." >&2
    exit 1
  fi
  local line
  while IFS= read -r line; do
    case "$line" in
      APP_ENV=* | HOST=* | PORT=* | LOG_LEVEL=* | WEB_PROCESSES=* | CELERY_CONCURRENCY=* | \
        DEPLOY_WAIT_SECONDS=* | BRIDGE_MODE=* | BRIDGE_PROCESSES=* | SECRET_KEY_SOURCE=* | ENV_FILE_READ=*)
        eval "$line" # shlex.quote'd by scripts/deploy_helper.py
        ;;
    esac
  done <<<"$output"
  CELERY_LOG_LEVEL=$LOG_LEVEL
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

# scripts/deploy_helper.py: the configuration, the port check, /healthz.
helper() {
  "$VENV_PYTHON" -m scripts.deploy_helper "$@"
}

# GET URL without proxies; prints "STATUS BODY" or the error. Exit 0 on 200.
health_probe() {
  helper health "$1" 2>&1
}

# --- Processes ------------------------------------------------------------------

# Sets CMDLINE (the words of PID's command line, joined by spaces) and ARGS
# (the words). Fails when PID is gone or a zombie (empty command line).
read_cmdline() {
  ARGS=()
  mapfile -d '' -t ARGS 2>/dev/null <"/proc/$1/cmdline" || return 1
  [ "${#ARGS[@]}" -gt 0 ] || return 1
  CMDLINE="${ARGS[*]}"
}

# Sets STATE, PGRP_OF and SESSION_OF from /proc/PID/stat; fails when PID is
# gone. Reads with builtins only: the scans below run this for every process.
read_stat() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  # The command name (in parentheses) may hold spaces; the rest comes after ") ".
  read -r STATE _ PGRP_OF SESSION_OF _ <<<"${stat##*) }"
}

# Exit 0 when PID is a live NAME process (the web server, celery, run_bridge)
# running in this directory; anything else (gone, zombie, pid reused) is not ours.
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

# The pid file of bridge N.
bridge_pidfile() {
  echo "$LOG_DIR/bridge-$1.pid"
}

# The bridges' pid files there are, in order (bridge-2 before bridge-10): also
# those a deploy with a larger BRIDGE_PROCESSES left, so that stop, status and
# the next deploy see every bridge.
bridge_pidfiles() {
  local file
  for file in "$LOG_DIR"/bridge-*.pid; do
    if [ -e "$file" ]; then echo "$file"; fi
  done | sort -V
}

# "bridge N" for logs/bridge-N.pid.
bridge_label() {
  local number=${1##*/bridge-}
  echo "bridge ${number%.pid}"
}

# The number in PIDFILE, whether that process still runs or not: our daemons
# lead their own sessions (setsid), so it is also the id of the session that
# holds everything they started.
session_of_pidfile() {
  [ -f "$1" ] && tr -dc '0-9' <"$1"
  return 0
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

# The live processes (zombies do not count) of session SID that run in this
# directory, one pid a line. Everything a daemon started stays in its session
# (daphne's children, the upload checker's forkserver and workers, Celery's
# pool and beat), also after the daemon itself died and they were reparented
# to init: so they can be found and ended. While any of them lives, the
# kernel does not reuse SID for another process.
session_members() {
  local sid=$1 entry pid
  [[ $sid =~ ^[0-9]+$ ]] || return 0
  for entry in /proc/[0-9]*; do
    pid=${entry#/proc/}
    read_stat "$pid" || continue
    [ "$SESSION_OF" = "$sid" ] && [ "$STATE" != Z ] || continue
    [ "$(readlink "$entry/cwd" 2>/dev/null || true)" = "$APP_DIR" ] || continue
    echo "$pid"
  done
}

# Exit 0 while PID is alive (a zombie is not).
alive() {
  read_stat "$1" && [ "$STATE" != Z ]
}

# end_session SID: SIGTERM to whatever of session SID still runs here, SIGKILL
# to what remains after STOP_WAIT_SECONDS. Exit 1 when something survives.
end_session() {
  local sid=$1 pid waited=0 members
  members=$(session_members "$sid")
  [ -n "$members" ] || return 0
  for pid in $members; do kill -TERM "$pid" 2>/dev/null || true; done
  while [ -n "$(session_members "$sid")" ] && [ "$waited" -lt $((STOP_WAIT_SECONDS * 5)) ]; do
    sleep 0.2
    waited=$((waited + 1))
  done
  members=$(session_members "$sid")
  [ -n "$members" ] || return 0
  echo "session $sid: $(wc -w <<<"$members") process(es) did not stop within $STOP_WAIT_SECONDS s; sending SIGKILL"
  for pid in $members; do kill -KILL "$pid" 2>/dev/null || true; done
  waited=0
  while [ -n "$(session_members "$sid")" ] && [ "$waited" -lt 50 ]; do
    sleep 0.2
    waited=$((waited + 1))
  done
  [ -z "$(session_members "$sid")" ]
}

# stop_daemon NAME PIDFILE [LABEL [SIGNALED]]: stops the NAME daemon in
# PIDFILE and everything in its session, SIGKILL after STOP_WAIT_SECONDS. When
# the daemon itself is gone (crashed, kill -9), what it started may still run:
# that is ended too. Removes the pid file. LABEL (default NAME) names it in
# messages; SIGNALED is the pid stop_all already sent SIGTERM to.
stop_daemon() {
  local match=$1 pidfile=$2 name=${3:-$1} signaled=${4:-} pid waited=0 leftovers
  if [ ! -f "$pidfile" ]; then
    echo "$name: not running"
    return 0
  fi
  pid=$(daemon_pid "$pidfile" "$match")
  if [ -z "$pid" ] && [ -n "$signaled" ]; then
    # It stopped on that SIGTERM already; the rest of its session is ended below.
    pid=$signaled
  elif [ -z "$pid" ]; then
    pid=$(session_of_pidfile "$pidfile")
    leftovers=$(session_members "$pid")
    if [ -z "$leftovers" ]; then
      rm -f "$pidfile"
      echo "$name: not running (removed the stale $pidfile)"
      return 0
    fi
    echo "$name (pid $pid) is gone, but $(wc -w <<<"$leftovers") process(es) it started still run" \
      "(pids $(echo $leftovers)); ending them"
    if ! end_session "$pid"; then
      echo "$PROGRAM: could not end what $name (pid $pid) left running; $pidfile kept." >&2
      return 1
    fi
    rm -f "$pidfile"
    echo "Ended what $name (pid $pid) left running"
    return 0
  fi
  # SIGTERM goes to the leader first: Celery's warm shutdown stops its
  # children itself, while a SIGTERM to each child makes the worker hang, and
  # the web server stops its daphne processes. Whatever of the session
  # outlives the leader gets SIGTERM next, and SIGKILL at the deadline.
  if [ "$pid" != "$signaled" ] || is_our_daemon "$pid" "$match"; then
    [ "$pid" = "$signaled" ] || kill -TERM "$pid" 2>/dev/null || true
    while alive "$pid" && [ "$waited" -lt $((STOP_WAIT_SECONDS * 5)) ]; do
      sleep 0.2
      waited=$((waited + 1))
    done
    if alive "$pid"; then
      echo "$name (pid $pid) did not stop within $STOP_WAIT_SECONDS s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  if ! end_session "$pid"; then
    echo "$PROGRAM: could not stop $name (session $pid survives SIGKILL); $pidfile kept." >&2
    return 1
  fi
  rm -f "$pidfile"
  echo "Stopped $name (pid $pid)"
}

# The NAME (as on its command line) of the daemon of PIDFILE.
daemon_name_of() {
  case "$1" in
    "$APP_PID") echo "$WEB_NAME" ;;
    "$CELERY_PID") echo celery ;;
    *) echo "$BRIDGE_NAME" ;;
  esac
}

# Stops every daemon: the web server, Celery and every bridge there is a pid
# file of (on SIGTERM a bridge gives back its leases, so bridges elsewhere
# take its printers over at once). Each leader gets its SIGTERM first, so they
# all stop side by side (Celery's warm shutdown alone takes seconds); then
# each is waited for in turn.
stop_all() {
  local status=0 pidfile pid
  local -A signaled=()
  for pidfile in "$APP_PID" "$CELERY_PID" $(bridge_pidfiles); do
    pid=$(daemon_pid "$pidfile" "$(daemon_name_of "$pidfile")")
    if [ -n "$pid" ]; then
      kill -TERM "$pid" 2>/dev/null || true
      signaled[$pidfile]=$pid
    fi
  done
  stop_daemon "$WEB_NAME" "$APP_PID" "" "${signaled[$APP_PID]:-}" || status=1
  stop_daemon celery "$CELERY_PID" "" "${signaled[$CELERY_PID]:-}" || status=1
  for pidfile in $(bridge_pidfiles); do
    stop_daemon "$BRIDGE_NAME" "$pidfile" "$(bridge_label "$pidfile")" "${signaled[$pidfile]:-}" || status=1
  done
  return "$status"
}

# The session ids our pid files name, one a line.
managed_sessions() {
  local pidfile
  for pidfile in "$APP_PID" "$CELERY_PID" $(bridge_pidfiles); do
    session_of_pidfile "$pidfile"
    echo
  done
}

# Daphne, Celery or bridge processes running in this directory that no pid
# file names (started by hand, or their pid file was deleted): warned about,
# never killed, because they are not ours to stop.
unmanaged_processes() {
  local managed=" " sid entry pid
  for sid in $(managed_sessions); do
    managed+="$sid "
  done
  for entry in /proc/[0-9]*; do
    pid=${entry#/proc/}
    read_cmdline "$pid" || continue
    case "$CMDLINE" in
      *"$WEB_NAME"* | *daphne*klipperiwc_site* | *celery*klipperiwc_site* | *manage.py*"$BRIDGE_NAME"*) ;;
      *) continue ;;
    esac
    [ "$(readlink "$entry/cwd" 2>/dev/null || true)" = "$APP_DIR" ] || continue
    read_stat "$pid" || continue
    # Our daemons lead their sessions, which hold their children.
    case "$managed" in *" $SESSION_OF "*) continue ;; esac
    echo "$pid: $CMDLINE"
  done
}

warn_unmanaged() {
  local found
  found=$(unmanaged_processes)
  if [ -n "$found" ]; then
    echo "$PROGRAM: warning: daphne/Celery/bridge processes from this directory that deploy.sh did not start" \
      "(stop them yourself if they are left over):" >&2
    echo "    ${found//$'\n'/$'\n'    }" >&2
  fi
}

# What this run started, for wait_healthy: each daemon's NAME (as on its
# command line), label, pid file, log file and the log's size before it started.
STARTED_NAMES=()
STARTED_LABELS=()
STARTED_PIDFILES=()
STARTED_LOGS=()
STARTED_OFFSETS=()

# start_daemon NAME LABEL PIDFILE LOGFILE COMMAND...: runs COMMAND in a
# session of its own (setsid; nohup ignores SIGHUP), output appended to
# LOGFILE (standard output to DAEMON_STDOUT instead, when set). The shell
# writes its own pid, then execs the command, so the pid file holds the
# daemon's pid even if setsid had to fork.
start_daemon() {
  local name=$1 label=$2 pidfile=$3 logfile=$4 stdout=${DAEMON_STDOUT:-$4} tries=0 offset
  shift 4
  offset=$(file_size "$logfile")
  rm -f "$pidfile"
  # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec nohup "$@"' "$pidfile" "$@" </dev/null >>"$stdout" 2>>"$logfile" 9>&- &
  while [ ! -s "$pidfile" ] && [ "$tries" -lt 100 ]; do
    sleep 0.05
    tries=$((tries + 1))
  done
  [ -s "$pidfile" ] || start_failed "$label did not start (no $pidfile)." "$logfile" "$offset"
  STARTED_NAMES+=("$name")
  STARTED_LABELS+=("$label")
  STARTED_PIDFILES+=("$pidfile")
  STARTED_LOGS+=("$logfile")
  STARTED_OFFSETS+=("$offset")
  info "$label started (pid $(cat "$pidfile")), logging to $logfile"
}

# start_bridges COUNT COMMAND...: bridges 1 to COUNT, each running COMMAND.
# run_bridge copies its log lines to standard output for a terminal when
# LOG_FILE is a file; the daemon's LOG_FILE already has them, so its standard
# output is dropped (standard error, e.g. a start-up failure, still reaches
# the log).
start_bridges() {
  local count=$1 number
  shift
  for ((number = 1; number <= count; number++)); do
    DAEMON_STDOUT=/dev/null start_daemon "$BRIDGE_NAME" "bridge $number" "$(bridge_pidfile "$number")" \
      "$BRIDGE_LOG" "$@"
  done
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

step_configuration() {
  step "Reading the configuration"
  local key_existed=""
  [ -e data/secret_key ] && key_existed=yes
  read_configuration
  if [ -n "$ENV_FILE_READ" ]; then
    info "Env file: $ENV_FILE_READ (variables set in the environment win over it)."
  else
    info "Env file: none (.env does not exist, or ENV_FILE is empty); the environment only."
  fi
  info "APP_ENV=$APP_ENV HOST=$HOST PORT=$PORT LOG_LEVEL=$LOG_LEVEL WEB_PROCESSES=$WEB_PROCESSES"
  if [ "$BRIDGE_MODE" = process ]; then
    info "BRIDGE_MODE=process: $BRIDGE_PROCESSES bridge process(es) (manage.py run_bridge) beside the web server."
  else
    info "BRIDGE_MODE=$BRIDGE_MODE: the bridge runs inside the web server; no bridge process."
  fi
  if [ "$SECRET_KEY_SOURCE" = SECRET_KEY ]; then
    info "SECRET_KEY is set; data/secret_key is not used."
  elif [ -n "$key_existed" ]; then
    info "data/secret_key exists; kept."
  else
    # settings.py made it: random, mode 0600, never overwriting one.
    info "Created data/secret_key (mode 0600). Keep it: sessions and signed data depend on it."
  fi
}

# check_port: HOST:PORT must be free, or held by the running copy (its
# sessions, crashed or not), which is stopped later. Anything else listening
# there stops the deploy now, before anything is stopped.
check_port() {
  local why status=0
  # shellcheck disable=SC2046  # one word per session id
  why=$(helper port "$HOST" "$PORT" $(session_of_pidfile "$APP_PID") $(session_of_pidfile "$CELERY_PID") 2>&1) ||
    status=$?
  case "$status" in
    0) info "$HOST:$PORT: $why." ;;
    1)
      echo "$PROGRAM: cannot listen on $HOST:$PORT: it is $why." >&2
      echo "$PROGRAM: another program listens on port $PORT; stop it, or choose another port (PORT in .env, or e.g. PORT=8080 ./deploy.sh)." >&2
      echo "$PROGRAM: nothing was stopped; a running copy keeps running." >&2
      exit 1
      ;;
    *)
      echo "$PROGRAM: cannot listen on $HOST:$PORT: ${why}." >&2
      echo "$PROGRAM: HOST must be an address of this machine, or 0.0.0.0 for all of them." >&2
      echo "$PROGRAM: nothing was stopped; a running copy keeps running." >&2
      exit 1
      ;;
  esac
}

step_check() {
  step "Checking the configuration and that $HOST:$PORT can be used"
  run_step manage check
  check_port
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

# What the running copy was started with, to start it again when the new one
# does not come up: each daemon's command line and environment, from /proc.
# deploy.sh starts every bridge alike, so one bridge's and their number do.
PREVIOUS_WEB_COMMAND=()
PREVIOUS_WEB_ENVIRONMENT=()
PREVIOUS_CELERY_COMMAND=()
PREVIOUS_CELERY_ENVIRONMENT=()
PREVIOUS_BRIDGE_COMMAND=()
PREVIOUS_BRIDGE_ENVIRONMENT=()
PREVIOUS_BRIDGES=0
PREVIOUS_HEALTH_URL=""

# ARGS_HOST and ARGS_PORT: the -b and -p values of the command line in ARGS
# (read_cmdline), "PYTHON -m klipperiwc_site.web -b HOST -p PORT" as step_start runs it.
args_address() {
  local arg previous=""
  ARGS_HOST=""
  ARGS_PORT=""
  for arg in "${ARGS[@]}"; do
    case "$previous" in
      -b) ARGS_HOST=$arg ;;
      -p) ARGS_PORT=$arg ;;
    esac
    previous=$arg
  done
}

remember_previous() {
  local pid
  pid=$(daemon_pid "$APP_PID" "$WEB_NAME")
  if [ -n "$pid" ] && read_cmdline "$pid" &&
    mapfile -d '' -t PREVIOUS_WEB_ENVIRONMENT 2>/dev/null <"/proc/$pid/environ"; then
    PREVIOUS_WEB_COMMAND=("${ARGS[@]}")
    args_address
    PREVIOUS_HEALTH_URL="http://$(local_address "$ARGS_HOST"):$ARGS_PORT/healthz"
  fi
  pid=$(daemon_pid "$CELERY_PID" celery)
  if [ -n "$pid" ] && read_cmdline "$pid" &&
    mapfile -d '' -t PREVIOUS_CELERY_ENVIRONMENT 2>/dev/null <"/proc/$pid/environ"; then
    PREVIOUS_CELERY_COMMAND=("${ARGS[@]}")
  fi
  local pidfile
  for pidfile in $(bridge_pidfiles); do
    pid=$(daemon_pid "$pidfile" "$BRIDGE_NAME")
    if [ -n "$pid" ] && read_cmdline "$pid" &&
      mapfile -d '' -t PREVIOUS_BRIDGE_ENVIRONMENT 2>/dev/null <"/proc/$pid/environ"; then
      PREVIOUS_BRIDGE_COMMAND=("${ARGS[@]}")
      PREVIOUS_BRIDGES=$((PREVIOUS_BRIDGES + 1))
    fi
  done
}

step_stop_previous() {
  step "Stopping the running copy"
  local stopped line stop_status=0
  remember_previous
  stopped=$(stop_all) || stop_status=$?
  while IFS= read -r line; do
    info "$line"
  done <<<"$stopped"
  [ "$stop_status" -eq 0 ] || start_failed "the running copy did not stop completely; not starting a second one."
  warn_unmanaged
  local why status=0
  why=$(helper port "$HOST" "$PORT" 2>&1) || status=$?
  [ "$status" -eq 0 ] || start_failed "$HOST:$PORT is still in use after the running copy stopped: $why."
  info "$HOST:$PORT is free."
}

step_start() {
  if [ "$BRIDGE_MODE" = process ]; then
    step "Starting the web server (daphne) on $HOST:$PORT, the Celery worker with beat and $BRIDGE_PROCESSES bridge(s)"
  else
    step "Starting the web server (daphne, with the bridge inside) on $HOST:$PORT and the Celery worker with beat"
  fi
  # WEB_PROCESSES daphne processes on one socket; --proxy-headers when
  # TRUST_PROXY_HEADERS says a proxy sets them (klipperiwc_site/web.py).
  # BRIDGE_MODE as the settings worked it out, in the web server's
  # environment: "status" reads the running copy's mode there.
  start_daemon "$WEB_NAME" "the web server" "$APP_PID" "$APP_LOG" \
    env BRIDGE_MODE="$BRIDGE_MODE" "$VENV/bin/python" -m "$WEB_NAME" -b "$HOST" -p "$PORT"
  start_daemon celery "the Celery worker" "$CELERY_PID" "$CELERY_LOG" \
    env LOG_FILE="$CELERY_LOG" \
    "$VENV/bin/celery" -A klipperiwc_site worker --beat \
    --loglevel "$CELERY_LOG_LEVEL" --concurrency "$CELERY_CONCURRENCY" --hostname "klipperiwc@%h"
  if [ "$BRIDGE_MODE" = process ]; then
    start_bridges "$BRIDGE_PROCESSES" \
      env LOG_FILE="$BRIDGE_LOG" BRIDGE_MODE=process "$VENV/bin/python" manage.py "$BRIDGE_NAME"
  fi
}

ROLLING_BACK=""

# start_failed MESSAGE [LOG OFFSET]...: stops what this run started, starts
# the previous copy again (when one ran), and exits 1, showing the end of each
# LOG after its first OFFSET bytes.
start_failed() {
  local message=$1
  shift
  echo "$PROGRAM: $message" >&2
  while [ "$#" -gt 0 ]; do
    show_tail "$1" "$2"
    shift 2
  done
  stop_all >/dev/null || true
  if [ -n "$ROLLING_BACK" ]; then
    echo "$PROGRAM: the previous copy did not come back either; nothing is running now." \
      "The full output is in $DEPLOY_LOG." >&2
    exit 1
  fi
  if [ "${#PREVIOUS_WEB_COMMAND[@]}" -eq 0 ] && [ "${#PREVIOUS_CELERY_COMMAND[@]}" -eq 0 ] &&
    [ "$PREVIOUS_BRIDGES" -eq 0 ]; then
    echo "$PROGRAM: stopped what this run started; nothing is running now (nothing ran before)." >&2
    exit 1
  fi
  restore_previous
}

# Starts the copy that ran before this deploy again, with the command lines
# and environments it had, waits until it is healthy, and exits 1: the deploy
# failed, the service did not go down for good.
restore_previous() {
  ROLLING_BACK=yes
  echo "$PROGRAM: stopped the new copy; starting the previous one again (its own command line and environment)." >&2
  STARTED_NAMES=() STARTED_LABELS=() STARTED_PIDFILES=() STARTED_LOGS=() STARTED_OFFSETS=()
  if [ "${#PREVIOUS_WEB_COMMAND[@]}" -gt 0 ]; then
    start_daemon "$WEB_NAME" "the web server" "$APP_PID" "$APP_LOG" \
      env -i "${PREVIOUS_WEB_ENVIRONMENT[@]}" "${PREVIOUS_WEB_COMMAND[@]}"
  fi
  if [ "${#PREVIOUS_CELERY_COMMAND[@]}" -gt 0 ]; then
    start_daemon celery "the Celery worker" "$CELERY_PID" "$CELERY_LOG" \
      env -i "${PREVIOUS_CELERY_ENVIRONMENT[@]}" "${PREVIOUS_CELERY_COMMAND[@]}"
  fi
  if [ "$PREVIOUS_BRIDGES" -gt 0 ]; then
    start_bridges "$PREVIOUS_BRIDGES" env -i "${PREVIOUS_BRIDGE_ENVIRONMENT[@]}" "${PREVIOUS_BRIDGE_COMMAND[@]}"
  fi
  if [ "${#PREVIOUS_WEB_COMMAND[@]}" -gt 0 ]; then
    wait_healthy "$PREVIOUS_HEALTH_URL" >/dev/null
  fi
  echo "$PROGRAM: the previous copy runs again (web server pid $(cat "$APP_PID" 2>/dev/null || echo none)," \
    "Celery worker pid $(cat "$CELERY_PID" 2>/dev/null || echo none)$(bridge_pids_note)); this deploy failed." \
    "The full output is in $DEPLOY_LOG." >&2
  exit 1
}

# ", bridge pid(s) N M" for the bridges there are pid files of; nothing without.
bridge_pids_note() {
  local pidfile pids=""
  for pidfile in $(bridge_pidfiles); do
    pids+=" $(session_of_pidfile "$pidfile")"
  done
  [ -z "$pids" ] || echo ", bridge pid(s)$pids"
}

# "LOG OFFSET" pairs of the daemons this run started, each log once (the
# bridges share one), from the first offset.
started_logs() {
  local index seen=" "
  for index in "${!STARTED_LOGS[@]}"; do
    case "$seen" in *" ${STARTED_LOGS[index]} "*) continue ;; esac
    seen+="${STARTED_LOGS[index]} "
    echo "${STARTED_LOGS[index]} ${STARTED_OFFSETS[index]}"
  done
}

# wait_healthy URL: until URL answers 200, while every daemon this run
# started keeps running; start_failed otherwise.
wait_healthy() {
  local url=$1 index
  local deadline=$((SECONDS + DEPLOY_WAIT_SECONDS)) answer=""
  while :; do
    for index in "${!STARTED_NAMES[@]}"; do
      [ -n "$(daemon_pid "${STARTED_PIDFILES[index]}" "${STARTED_NAMES[index]}")" ] ||
        start_failed "${STARTED_LABELS[index]} exited during start-up." \
          "${STARTED_LOGS[index]}" "${STARTED_OFFSETS[index]}"
    done
    if answer=$(health_probe "$url"); then
      break
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      # shellcheck disable=SC2046  # "LOG OFFSET" pairs, two words each
      start_failed "$url did not answer 200 within $DEPLOY_WAIT_SECONDS s (last answer: $answer)." \
        $(started_logs)
    fi
    sleep 0.5
  done
  info "/healthz: $answer"
}

step_wait_healthy() {
  local url
  url="http://$(local_address "$HOST"):$PORT/healthz"
  step "Waiting up to $DEPLOY_WAIT_SECONDS s for $url"
  wait_healthy "$url"
}

print_urls() {
  local base lan
  base="http://$(local_address "$HOST"):$PORT"
  echo
  if [ "$BRIDGE_MODE" = process ]; then
    echo "KlipperIWC is running (web server pid $(cat "$APP_PID"), Celery worker pid $(cat "$CELERY_PID")$(bridge_pids_note))."
  else
    echo "KlipperIWC is running (web server pid $(cat "$APP_PID") with the bridge inside, Celery worker pid $(cat "$CELERY_PID"))."
  fi
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
  if [ "$BRIDGE_MODE" = process ]; then
    echo "Logs: $APP_LOG, $CELERY_LOG, $BRIDGE_LOG (deploy steps: $DEPLOY_LOG)."
  else
    echo "Logs: $APP_LOG, $CELERY_LOG (deploy steps: $DEPLOY_LOG)."
  fi
  echo "Status: ./deploy.sh status    Stop: ./deploy.sh stop"
}

# --- Commands ---------------------------------------------------------------------

cmd_start() {
  take_lock
  new_deploy_log start
  STEPS=11
  step_virtualenv
  step_requirements
  step_configuration
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
  new_deploy_log restart
  STEPS=6
  step_existing_virtualenv
  step_configuration
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

# " (pid N is gone, but ...)" when PIDFILE names a dead daemon whose session
# still has processes here; nothing otherwise.
leftovers_note() {
  local sid leftovers
  sid=$(session_of_pidfile "$1")
  leftovers=$(session_members "$sid")
  [ -z "$leftovers" ] ||
    echo " (pid $sid is gone, but $(wc -w <<<"$leftovers") process(es) it started still run; ./deploy.sh stop ends them)"
}

# The BRIDGE_MODE deploy.sh gave the web server PID (empty when it has none:
# started by hand, or by an older deploy.sh).
bridge_mode_of() {
  local entries entry
  mapfile -d '' -t entries 2>/dev/null <"/proc/$1/environ" || return 0
  for entry in "${entries[@]}"; do
    case "$entry" in
      BRIDGE_MODE=*)
        echo "${entry#BRIDGE_MODE=}"
        return 0
        ;;
    esac
  done
}

# Prints a line per bridge (a pid file each), or one saying where the bridge
# runs; sets BRIDGES_EXPECTED and BRIDGES_RUNNING. APP is the web server's pid
# (empty when it does not run): its environment says the running copy's mode.
status_bridges() {
  local app=$1 mode="" pidfiles pidfile pid
  BRIDGES_EXPECTED=0
  BRIDGES_RUNNING=0
  [ -z "$app" ] || mode=$(bridge_mode_of "$app")
  pidfiles=$(bridge_pidfiles)
  if [ -n "$pidfiles" ]; then
    for pidfile in $pidfiles; do
      BRIDGES_EXPECTED=$((BRIDGES_EXPECTED + 1))
      pid=$(daemon_pid "$pidfile" "$BRIDGE_NAME")
      if [ -n "$pid" ]; then
        echo "$(bridge_label "$pidfile"): running (pid $pid, manage.py $BRIDGE_NAME)"
        BRIDGES_RUNNING=$((BRIDGES_RUNNING + 1))
      else
        echo "$(bridge_label "$pidfile"): not running$(leftovers_note "$pidfile")"
      fi
    done
  elif [ "$mode" = web ]; then
    echo "bridge: inside the web server (BRIDGE_MODE=web); no process of its own"
  elif [ "$mode" = process ]; then
    echo "bridge: not running (BRIDGE_MODE=process, but no bridge was started; ./deploy.sh restart starts them)"
    BRIDGES_EXPECTED=1
  elif [ -z "$app" ]; then
    echo "bridge: not running"
  else
    echo "bridge: no bridge process (the web server's BRIDGE_MODE is unknown: it was not started by this deploy.sh)"
  fi
}

cmd_status() {
  local app celery running=0 ARGS_HOST="" ARGS_PORT="" BRIDGES_EXPECTED BRIDGES_RUNNING
  app=$(daemon_pid "$APP_PID" "$WEB_NAME")
  celery=$(daemon_pid "$CELERY_PID" celery)
  if [ -n "$app" ] && read_cmdline "$app"; then
    # The address the web server was started with, and its Python (the venv's), from its command line.
    VENV_PYTHON=${ARGS[0]}
    args_address
    echo "web: running (pid $app, $(daphne_count "$app") daphne process(es)) on ${ARGS_HOST:-?}:${ARGS_PORT:-?}"
    running=$((running + 1))
  else
    echo "web: not running$(leftovers_note "$APP_PID")"
  fi
  if [ -n "$celery" ]; then
    echo "celery: running (pid $celery), worker with beat"
    running=$((running + 1))
  else
    echo "celery: not running$(leftovers_note "$CELERY_PID")"
  fi
  status_bridges "$app"
  if [ -n "$app" ] && [ -n "$ARGS_HOST" ] && [ -n "$ARGS_PORT" ]; then
    local url answer
    url="http://$(local_address "$ARGS_HOST"):$ARGS_PORT/healthz"
    if answer=$(health_probe "$url"); then
      echo "/healthz: answers ($url: $answer)"
    else
      echo "/healthz: does not answer 200 ($url: $answer)"
    fi
  else
    echo "/healthz: not checked (the web server is not running)"
  fi
  warn_unmanaged
  [ "$running" -eq 2 ] && [ "$BRIDGES_RUNNING" -eq "$BRIDGES_EXPECTED" ] || exit 3
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
