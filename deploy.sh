#!/usr/bin/env bash
# Installs and runs KlipperIWC on this machine under supervisord (supervisor,
# from requirements.txt, in user mode): daphne (HTTP + WebSockets, through
# klipperiwc_site/web.py), one Celery worker with an embedded beat and, in
# scaled mode (BRIDGE_MODE=process, the default with REDIS_URL),
# BRIDGE_PROCESSES bridges (manage.py run_bridge, default 1). supervisord
# restarts a daemon that exits (a crash, kill -9) at once and rotates their
# logs. In embedded mode (BRIDGE_MODE=web) the bridge runs inside the web server.
#
#   ./deploy.sh            install or update, then (re)start; safe to run again
#   ./deploy.sh restart    stop and start again without installing anything
#   ./deploy.sh stop       stop every daemon (and supervisord)
#   ./deploy.sh status     each daemon with its pid, uptime and restarts, does
#                          /healthz answer (exit 0 when all run, 3 otherwise)
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
# with its own supervisord configuration and environment.
#
# Files: var/supervisor/supervisord.conf (written by scripts/supervision.py at
# each start; the previous copy's is kept as supervisord.previous.conf),
# var/supervisor.sock (supervisorctl's socket), logs/supervisord.pid and
# logs/supervisord.log (supervisord itself), logs/deploy.log (output of the
# last deploy's steps), logs/app.log (daphne and the web process),
# logs/celery.log (worker and beat), logs/bridge-1.log ... (one per bridge),
# each rotated by supervisord at 10 MB with 5 old copies; logs/app.pid,
# logs/celery.pid, logs/bridge-1.pid ... (each daemon's pid, rewritten when
# supervisord restarts it), var/metrics (PROMETHEUS_MULTIPROC_DIR of every
# daemon, emptied at each start), data/secret_key (made once).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")"
APP_DIR=$(pwd -P)
PROGRAM=deploy.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

LOG_DIR=logs
DEPLOY_LOG=$LOG_DIR/deploy.log
# supervisord: one daemon started by this script, in a session of its own;
# every other daemon is its child (and in that session).
SUPERVISORD_NAME=supervisord
SUPERVISORD_PID=$LOG_DIR/supervisord.pid
SUPERVISORD_LOG=$LOG_DIR/supervisord.log
SUPERVISOR_CONF=$APP_DIR/var/supervisor/supervisord.conf
SUPERVISOR_PREVIOUS_CONF=$APP_DIR/var/supervisor/supervisord.previous.conf
METRICS_DIR=var/metrics
APP_LOG=$LOG_DIR/app.log
# The web server: klipperiwc_site/web.py runs the daphne processes.
WEB_NAME=klipperiwc_site.web
APP_PID=$LOG_DIR/app.pid
CELERY_LOG=$LOG_DIR/celery.log
CELERY_PID=$LOG_DIR/celery.pid
# The bridges (scaled mode): "manage.py run_bridge" on their command lines,
# supervisor programs bridge-1, bridge-2, ..., each with its pid file
# (logs/bridge-1.pid ...) and log (logs/bridge-1.log ...).
BRIDGE_NAME=run_bridge
STOP_WAIT_SECONDS=15
# supervisord stops its daemons side by side, each within 15 s (SIGKILL after
# that, scripts/supervision.py), then exits.
SUPERVISORD_STOP_WAIT_SECONDS=40
SUPERVISORD_RUNNING=""
SUPERVISION_PYTHON=""

usage() {
  cat <<'EOF2'
Usage: ./deploy.sh [start|restart|stop|status|--help]

  (none), start  install requirements into .venv, check the configuration,
                 migrate, collect static files, set up app data and the admin
                 user, then (re)start supervisord with daphne, the Celery
                 worker + beat and, with BRIDGE_MODE=process, the bridges, and
                 wait until /healthz answers
  restart        stop and start the daemons again (no install or migrate)
  stop           stop every daemon and supervisord
  status         show each daemon (pid, uptime, restarts) and whether /healthz
                 answers; exit 0 when all run, 3 otherwise
  -h, --help     show this text

supervisord restarts a daemon that exits and rotates its log (10 MB, 5 old
copies). Configuration: .env in this directory (ENV_FILE names another file;
empty: none), then the environment, which wins: APP_ENV (production), HOST
(0.0.0.0), PORT (8000), LOG_LEVEL (info), CELERY_CONCURRENCY (2),
DEPLOY_WAIT_SECONDS (60), BRIDGE_MODE (web without REDIS_URL: the bridge runs
inside the web server; process with it: BRIDGE_PROCESSES "manage.py
run_bridge" daemons, default 1), DJANGO_SUPERUSER_USERNAME, _PASSWORD and
_EMAIL (create the admin user), and every setting in README.md.
KLIPPERIWC_VENV (use this virtualenv instead of .venv) is read from the
environment only.
Logs: logs/deploy.log, logs/app.log, logs/celery.log, logs/bridge-N.log,
logs/supervisord.log.
EOF2
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


# --- supervisord ------------------------------------------------------------------

# supervision COMMAND ARG...: scripts/supervision.py with SUPERVISION_PYTHON
# (the virtualenv's Python: the one that runs supervisord, for stop and status).
supervision() {
  "$SUPERVISION_PYTHON" -m scripts.supervision "$@"
}

# Sets SUPERVISORD_RUNNING to the pid of the running supervisord of this
# directory (empty when none runs) and SUPERVISION_PYTHON to its Python
# (the virtualenv's, which has supervisor installed).
find_supervisord() {
  SUPERVISORD_RUNNING=$(daemon_pid "$SUPERVISORD_PID" "$SUPERVISORD_NAME")
  [ -n "$SUPERVISORD_RUNNING" ] || return 0
  if read_cmdline "$SUPERVISORD_RUNNING"; then
    SUPERVISION_PYTHON=${ARGS[0]}
  else
    SUPERVISORD_RUNNING=""
  fi
}

# "the web server", "the Celery worker", "bridge N" for a supervisor program.
program_label() {
  case "$1" in
    web) echo "the web server" ;;
    celery) echo "the Celery worker" ;;
    bridge-*) echo "bridge ${1#bridge-}" ;;
    *) echo "$1" ;;
  esac
}

# The log file supervisord writes a program's output to.
program_log() {
  case "$1" in
    web) echo "$APP_LOG" ;;
    celery) echo "$CELERY_LOG" ;;
    *) echo "$LOG_DIR/$1.log" ;;
  esac
}

# The daemons' pid files there are: the web server's, Celery's, every
# bridge's (bridge-2 before bridge-10), also those a deploy with a larger
# BRIDGE_PROCESSES left, so that stop and the next deploy see every one.
daemon_pidfiles() {
  local file
  for file in "$APP_PID" "$CELERY_PID"; do
    if [ -e "$file" ]; then echo "$file"; fi
  done
  for file in "$LOG_DIR"/bridge-*.pid; do
    if [ -e "$file" ]; then echo "$file"; fi
  done | sort -V
}

# The NAME (as on its command line) of the daemon of PIDFILE.
daemon_name_of() {
  case "$1" in
    "$APP_PID") echo "$WEB_NAME" ;;
    "$CELERY_PID") echo celery ;;
    *) echo "$BRIDGE_NAME" ;;
  esac
}

# "the web server", "the Celery worker" or "bridge N" for a daemon's pid file.
pidfile_label() {
  case "$1" in
    "$APP_PID") echo "the web server" ;;
    "$CELERY_PID") echo "the Celery worker" ;;
    *) bridge_label "$1" ;;
  esac
}

# Stops supervisord and, with it, every daemon: each gets its SIGTERM at once
# (on SIGTERM a bridge gives back its leases, so bridges elsewhere take its
# printers over at once; Celery's warm shutdown finishes the running task),
# supervisord waits for them (SIGKILL to what remains after 15 s) and exits.
# When supervisord itself is gone (crash, kill -9), whatever still runs in its
# session is ended. A copy started by an older deploy.sh (no supervisord.pid,
# each daemon leading its own session) is stopped daemon by daemon. Removes
# the pid files.
stop_all() {
  local status=0 pidfile line name state program_pid
  local STOP_WAIT_SECONDS=$SUPERVISORD_STOP_WAIT_SECONDS
  if [ ! -f "$SUPERVISORD_PID" ]; then
    stop_unsupervised || status=1
    return "$status"
  fi
  local -a stopped=()
  find_supervisord
  if [ -n "$SUPERVISORD_RUNNING" ]; then
    while IFS=$'\t' read -r name state program_pid _; do
      if [ "$state" = RUNNING ]; then stopped+=("$(program_label "$name") (pid $program_pid)"); fi
    done < <(supervision status "$SUPERVISOR_CONF" 2>/dev/null || true)
    supervision stop "$SUPERVISOR_CONF" >/dev/null 2>&1 || true
  fi
  stop_daemon "$SUPERVISORD_NAME" "$SUPERVISORD_PID" supervisord || return 1
  for line in "${stopped[@]}"; do
    echo "Stopped ${line}"
  done
  # Their pids are gone with supervisord's session.
  for pidfile in $(daemon_pidfiles); do
    rm -f "$pidfile"
  done
  return "$status"
}

# Stops the daemons of a copy that an older deploy.sh started without
# supervisord: each pid file names a daemon leading its own session.
stop_unsupervised() {
  local status=0 pidfile pid
  local -A signaled=()
  for pidfile in $(daemon_pidfiles); do
    pid=$(daemon_pid "$pidfile" "$(daemon_name_of "$pidfile")")
    if [ -n "$pid" ]; then
      kill -TERM "$pid" 2>/dev/null || true
      signaled[$pidfile]=$pid
    fi
  done
  for pidfile in $(daemon_pidfiles); do
    stop_daemon "$(daemon_name_of "$pidfile")" "$pidfile" "$(pidfile_label "$pidfile")" \
      "${signaled[$pidfile]:-}" || status=1
  done
  return "$status"
}

# The session ids of the running copy, one a line: supervisord's (it holds
# every daemon), or, for an older copy, each pid file's.
managed_sessions() {
  local pidfile
  session_of_pidfile "$SUPERVISORD_PID"
  echo
  if [ ! -f "$SUPERVISORD_PID" ]; then
    for pidfile in $(daemon_pidfiles); do
      session_of_pidfile "$pidfile"
      echo
    done
  fi
}

# Daphne, Celery or bridge processes running in this directory outside the
# running copy's sessions (started by hand, or their pid file was deleted):
# warned about, never killed, because they are not ours to stop.
unmanaged_processes() {
  local managed=" " sid entry pid
  for sid in $(managed_sessions); do
    managed+="$sid "
  done
  for entry in /proc/[0-9]*; do
    pid=${entry#/proc/}
    read_cmdline "$pid" || continue
    case "$CMDLINE" in
      *"$WEB_NAME"* | *daphne*klipperiwc_site* | *celery*klipperiwc_site* | *manage.py*"$BRIDGE_NAME"* | *supervisord*) ;;
      *) continue ;;
    esac
    [ "$(readlink "$entry/cwd" 2>/dev/null || true)" = "$APP_DIR" ] || continue
    read_stat "$pid" || continue
    case "$managed" in *" $SESSION_OF "*) continue ;; esac
    echo "$pid: $CMDLINE"
  done
}

warn_unmanaged() {
  local found
  found=$(unmanaged_processes)
  if [ -n "$found" ]; then
    echo "$PROGRAM: warning: daphne/Celery/bridge/supervisord processes from this directory that deploy.sh did not start" \
      "(stop them yourself if they are left over):" >&2
    echo "    ${found//$'\n'/$'\n'    }" >&2
  fi
}

# What this run started, for wait_healthy: supervisord's log offset and each
# daemon log's size before the start (LOG_OFFSETS[log file]).
SUPERVISORD_OFFSET=0
declare -A LOG_OFFSETS=()

# start_supervisord COMMAND...: empties var/metrics and the restart counts,
# then runs COMMAND (supervisord in the foreground, -c its configuration) in
# a session of its own (setsid; nohup ignores SIGHUP), its output appended to
# logs/supervisord.log. The shell writes its own pid, then execs the command,
# so the pid file holds supervisord's pid even if setsid had to fork.
start_supervisord() {
  local tries=0 log pidfile
  mkdir -p "$LOG_DIR" var/supervisor
  # Metrics of processes that no longer run would be summed into the new ones'.
  rm -rf "$METRICS_DIR"
  mkdir -p "$METRICS_DIR"
  rm -f var/supervisor/restarts.json
  # Nothing of the previous copy runs (stop_all ended its session): stale pids.
  for pidfile in $(daemon_pidfiles); do
    rm -f "$pidfile"
  done
  SUPERVISORD_OFFSET=$(file_size "$SUPERVISORD_LOG")
  LOG_OFFSETS=()
  for log in "$APP_LOG" "$CELERY_LOG" "$LOG_DIR"/bridge-*.log; do
    if [ -e "$log" ]; then LOG_OFFSETS[$log]=$(file_size "$log"); fi
  done
  rm -f "$SUPERVISORD_PID"
  # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec nohup "$@"' "$SUPERVISORD_PID" "$@" \
    </dev/null >>"$SUPERVISORD_LOG" 2>&1 9>&- &
  while [ ! -s "$SUPERVISORD_PID" ] && [ "$tries" -lt 100 ]; do
    sleep 0.05
    tries=$((tries + 1))
  done
  [ -s "$SUPERVISORD_PID" ] ||
    start_failed "supervisord did not start (no $SUPERVISORD_PID)." "$SUPERVISORD_LOG" "$SUPERVISORD_OFFSET"
  info "supervisord started (pid $(cat "$SUPERVISORD_PID")) with $(supervisor_programs "$SUPERVISOR_CONF"), logging to $SUPERVISORD_LOG"
}

# "web, celery, bridge-1" : the programs of a supervisord configuration.
supervisor_programs() {
  sed -n 's/^\[program:\(.*\)\]$/\1/p' "$1" | paste -sd, - | sed 's/,/, /g'
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
  if [ ! -x "$VENV/bin/daphne" ] || [ ! -x "$VENV/bin/celery" ] || [ ! -x "$VENV/bin/supervisord" ]; then
    die "$VENV has no daphne/celery/supervisord yet; run ./deploy.sh (without restart) first."
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
# session, supervisord's, crashed or not), which is stopped later. Anything else listening
# there stops the deploy now, before anything is stopped.
check_port() {
  local why status=0
  # shellcheck disable=SC2046  # one word per session id
  why=$(helper port "$HOST" "$PORT" $(managed_sessions) 2>&1) ||
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
# does not come up: supervisord's command line and environment (from /proc)
# and its configuration (copied to supervisord.previous.conf).
PREVIOUS_COMMAND=()
PREVIOUS_ENVIRONMENT=()
PREVIOUS_HEALTH_URL=""

# ARGS_HOST and ARGS_PORT: the -b and -p values of the command line in ARGS
# (read_cmdline), "PYTHON -m klipperiwc_site.web -b HOST -p PORT" as supervisord runs it.
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
  find_supervisord
  pid=$SUPERVISORD_RUNNING
  if [ -n "$pid" ] && [ -f "$SUPERVISOR_CONF" ] && read_cmdline "$pid" &&
    mapfile -d '' -t PREVIOUS_ENVIRONMENT 2>/dev/null <"/proc/$pid/environ"; then
    PREVIOUS_COMMAND=("${ARGS[@]}")
    cp -f "$SUPERVISOR_CONF" "$SUPERVISOR_PREVIOUS_CONF"
    pid=$(daemon_pid "$APP_PID" "$WEB_NAME")
    if [ -n "$pid" ] && read_cmdline "$pid"; then
      args_address
      PREVIOUS_HEALTH_URL="http://$(local_address "$ARGS_HOST"):$ARGS_PORT/healthz"
    fi
  fi
}

step_stop_previous() {
  step "Stopping the running copy"
  local stopped line stop_status=0
  remember_previous
  stopped=$(stop_all) || stop_status=$?
  while IFS= read -r line; do
    info "$line"
  done <<<"${stopped:-Nothing was running.}"
  [ "$stop_status" -eq 0 ] || start_failed "the running copy did not stop completely; not starting a second one."
  warn_unmanaged
  local why status=0
  why=$(helper port "$HOST" "$PORT" 2>&1) || status=$?
  [ "$status" -eq 0 ] || start_failed "$HOST:$PORT is still in use after the running copy stopped: $why."
  info "$HOST:$PORT is free."
}

step_start() {
  if [ "$BRIDGE_MODE" = process ]; then
    step "Starting supervisord with the web server (daphne) on $HOST:$PORT, the Celery worker with beat and $BRIDGE_PROCESSES bridge(s)"
  else
    step "Starting supervisord with the web server (daphne, with the bridge inside) on $HOST:$PORT and the Celery worker with beat"
  fi
  # scripts/supervision.py writes the programs: the web server, the worker
  # with beat and, with BRIDGE_MODE=process, bridge-1 ... bridge-N.
  run_step "$VENV_PYTHON" -m scripts.supervision config --output "$SUPERVISOR_CONF" --app-dir "$APP_DIR" \
    --venv "$VENV" --host "$HOST" --port "$PORT" --bridge-mode "$BRIDGE_MODE" --bridges "$BRIDGE_PROCESSES" \
    --concurrency "$CELERY_CONCURRENCY" --log-level "$CELERY_LOG_LEVEL"
  SUPERVISION_PYTHON=$VENV_PYTHON
  start_supervisord "$VENV/bin/supervisord" -c "$SUPERVISOR_CONF"
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
  if [ "${#PREVIOUS_COMMAND[@]}" -eq 0 ]; then
    echo "$PROGRAM: stopped what this run started; nothing is running now (nothing ran before)." >&2
    exit 1
  fi
  restore_previous
}

# Starts the copy that ran before this deploy again, with its supervisord
# configuration, command line and environment, waits until it is healthy,
# and exits 1: the deploy failed, the service did not go down for good.
restore_previous() {
  ROLLING_BACK=yes
  echo "$PROGRAM: stopped the new copy; starting the previous one again (its own configuration and environment)." >&2
  cp -f "$SUPERVISOR_PREVIOUS_CONF" "$SUPERVISOR_CONF"
  start_supervisord env -i "${PREVIOUS_ENVIRONMENT[@]}" "${PREVIOUS_COMMAND[@]}"
  # The previous copy was healthy before: it gets at least the default 60 s,
  # however short a wait the failed deploy was given.
  if [ "$DEPLOY_WAIT_SECONDS" -lt 60 ]; then DEPLOY_WAIT_SECONDS=60; fi
  if [ -n "$PREVIOUS_HEALTH_URL" ]; then
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

# "LOG OFFSET" pairs: supervisord's log and every daemon log, from their sizes
# before this start.
started_logs() {
  local log
  echo "$SUPERVISORD_LOG $SUPERVISORD_OFFSET"
  for log in "$APP_LOG" "$CELERY_LOG" "$LOG_DIR"/bridge-*.log; do
    if [ -e "$log" ]; then echo "$log ${LOG_OFFSETS[$log]:-0}"; fi
  done
}

# wait_healthy URL: until URL answers 200 and every daemon runs, while
# supervisord runs and no daemon has exited; start_failed otherwise. A daemon
# that exits during start-up would be restarted by supervisord again and
# again: that fails the deploy at once.
wait_healthy() {
  local url=$1 failing status name state why log
  local deadline=$((SECONDS + DEPLOY_WAIT_SECONDS)) answer=""
  while :; do
    [ -n "$(daemon_pid "$SUPERVISORD_PID" "$SUPERVISORD_NAME")" ] ||
      start_failed "supervisord exited during start-up." "$SUPERVISORD_LOG" "$SUPERVISORD_OFFSET"
    status=0
    failing=$(supervision check "$SUPERVISOR_CONF" 2>/dev/null) || status=$?
    if [ "$status" -eq 1 ]; then
      IFS=$'\t' read -r name state why <<<"$failing"
      log=$(program_log "$name")
      start_failed "$(program_label "$name") exited during start-up (supervisor: $state${why:+, $why})." \
        "$log" "${LOG_OFFSETS[$log]:-0}"
    fi
    # 2: supervisord does not answer on its socket yet.
    if [ "$status" -eq 0 ] && answer=$(health_probe "$url"); then
      break
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      # shellcheck disable=SC2046  # "LOG OFFSET" pairs, two words each
      start_failed "$url did not answer 200 within $DEPLOY_WAIT_SECONDS s (last answer: ${answer:-none})." \
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
    echo "KlipperIWC is running under supervisord (pid $(cat "$SUPERVISORD_PID")): web server pid $(cat "$APP_PID"), Celery worker pid $(cat "$CELERY_PID")$(bridge_pids_note)."
  else
    echo "KlipperIWC is running under supervisord (pid $(cat "$SUPERVISORD_PID")): web server pid $(cat "$APP_PID") with the bridge inside, Celery worker pid $(cat "$CELERY_PID")."
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
    echo "Logs: $APP_LOG, $CELERY_LOG, $LOG_DIR/bridge-N.log, $SUPERVISORD_LOG (deploy steps: $DEPLOY_LOG)."
  else
    echo "Logs: $APP_LOG, $CELERY_LOG, $SUPERVISORD_LOG (deploy steps: $DEPLOY_LOG)."
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

# "1 restart", "3 restarts".
restarts_text() {
  if [ "$1" = 1 ]; then echo "1 restart"; else echo "$1 restarts"; fi
}

# A line per daemon from supervisord: pid, uptime (supervisord's) and
# restarts (starts after the first, counted by the event listener of
# scripts/supervision.py), then whether /healthz answers. Exit 0 when
# supervisord and every daemon run, 3 otherwise.
cmd_status() {
  local supervisor lines name state pid up restarts why web="" bridges=0 down=0 ARGS_HOST="" ARGS_PORT=""
  find_supervisord
  supervisor=$SUPERVISORD_RUNNING
  if [ -z "$supervisor" ]; then
    if [ -f "$SUPERVISORD_PID" ]; then
      echo "supervisord: not running$(leftovers_note "$SUPERVISORD_PID")"
    else
      echo "supervisord: not running"
    fi
    echo "/healthz: not checked (the web server is not running)"
    warn_unmanaged
    exit 3
  fi
  if ! lines=$(supervision status "$SUPERVISOR_CONF" 2>&1); then
    echo "supervisord: running (pid $supervisor), but does not answer on its socket ($lines)"
    exit 3
  fi
  echo "supervisord: running (pid $supervisor, $SUPERVISOR_CONF)"
  while IFS=$'\t' read -r name state pid up restarts why; do
    [ -n "$name" ] || continue
    restarts=$(restarts_text "$restarts")
    if [ "$state" != RUNNING ]; then
      down=$((down + 1))
      case "$name" in bridge-*) name="bridge ${name#bridge-}" ;; esac
      echo "$name: not running (supervisor: $state${why:+, $why}), $restarts"
      continue
    fi
    case "$name" in
      web)
        web=$pid
        if read_cmdline "$pid"; then args_address; fi
        echo "web: running (pid $pid, $(daphne_count "$pid") daphne process(es)) on ${ARGS_HOST:-?}:${ARGS_PORT:-?}, up $up, $restarts"
        ;;
      celery) echo "celery: running (pid $pid), worker with beat, up $up, $restarts" ;;
      bridge-*)
        bridges=$((bridges + 1))
        echo "bridge ${name#bridge-}: running (pid $pid, manage.py $BRIDGE_NAME), up $up, $restarts"
        ;;
      *) echo "$name: running (pid $pid), up $up, $restarts" ;;
    esac
  done <<<"$lines"
  if ! grep -q '^bridge-' <<<"$lines"; then
    if [ -n "$web" ] && [ "$(bridge_mode_of "$web")" = web ]; then
      echo "bridge: inside the web server (BRIDGE_MODE=web); no process of its own"
    else
      echo "bridge: no bridge process"
    fi
  fi
  if [ -n "$web" ] && [ -n "$ARGS_HOST" ] && [ -n "$ARGS_PORT" ]; then
    local url answer
    url="http://$(local_address "$ARGS_HOST"):$ARGS_PORT/healthz"
    if answer=$(VENV_PYTHON=$SUPERVISION_PYTHON health_probe "$url"); then
      echo "/healthz: answers ($url: $answer)"
    else
      echo "/healthz: does not answer 200 ($url: $answer)"
    fi
  else
    echo "/healthz: not checked (the web server is not running)"
  fi
  warn_unmanaged
  [ "$down" -eq 0 ] || exit 3
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
