#!/usr/bin/env bash
# supervised_exec.sh PIDFILE COMMAND...: how supervisord starts each daemon
# (scripts/supervision.py writes the configuration).
#
# supervisord runs every daemon as the leader of its own process group. When a
# daemon crashed (kill -9), what it started may still run in that group:
# daphne holding the port, Celery's embedded beat (a second beat would send
# every periodic task twice). PIDFILE still names the dead daemon, whose pid
# is that group's id: whatever of the group still runs in this directory is
# killed (SIGKILL at once: its parent is gone, nothing waits for it to finish,
# and the replacement has to be back within seconds). Then this process
# writes its own pid into PIDFILE and becomes COMMAND (exec keeps the pid), so
# logs/app.pid names the running web server also after a restart.
set -euo pipefail
pidfile=$1
shift
here=$(pwd -P)

# The live processes of process group $1 that run in this directory.
group_members() {
  local pid stat state pgrp candidates
  if command -v pgrep >/dev/null 2>&1; then
    candidates=$(pgrep -g "$1" || true)
  else
    candidates=$(cd /proc && echo [0-9]*)
  fi
  for pid in $candidates; do
    read -r stat 2>/dev/null <"/proc/$pid/stat" || continue
    read -r state _ pgrp _ <<<"${stat##*) }"
    [ "$pgrp" = "$1" ] && [ "$state" != Z ] || continue
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null || true)" = "$here" ] || continue
    echo "$pid"
  done
}

previous=""
if [ -f "$pidfile" ]; then
  previous=$(tr -dc '0-9' <"$pidfile" || true)
fi
# kill -0 to the group first: no group, nothing to look at (the usual case).
if [ -n "$previous" ] && [ "$previous" != "$$" ] && kill -0 -- "-$previous" 2>/dev/null; then
  members=$(group_members "$previous")
  if [ -n "$members" ]; then
    echo "$(date -u +%Y-%m-%dT%H:%M:%S+00:00) supervised_exec: pid $previous is gone, but" \
      "$(wc -w <<<"$members") process(es) it started still run (pids $(echo $members)); killing them" >&2
    for pid in $members; do kill -KILL "$pid" 2>/dev/null || true; done
    for _ in $(seq 100); do
      kill -0 -- "-$previous" 2>/dev/null || break
      sleep 0.05
    done
  fi
fi
echo $$ >"$pidfile.tmp"
mv -f "$pidfile.tmp" "$pidfile"
exec "$@"
