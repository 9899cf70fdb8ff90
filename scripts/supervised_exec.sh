#!/usr/bin/env bash
# supervised_exec.sh PIDFILE COMMAND...: how supervisord starts each daemon
# (scripts/supervision.py writes the configuration).
#
# supervisord runs every daemon as the leader of its own process group. When a
# daemon crashed (kill -9), what it started may still run in that group:
# daphne holding the port, Celery's pool and its embedded beat (a second beat
# would send every periodic task twice). PIDFILE still names the dead daemon,
# whose pid is that group's id: whatever of the group still runs in this
# directory gets SIGTERM, SIGKILL after a second and a half. Then this
# process writes its own pid into PIDFILE and becomes COMMAND (exec keeps the
# pid), so logs/app.pid names the running web server also after a restart.
set -euo pipefail
pidfile=$1
shift
here=$(pwd -P)

# The live processes of process group $1 that run in this directory.
group_members() {
  local entry stat rest pgrp state
  for entry in /proc/[0-9]*; do
    read -r stat 2>/dev/null <"$entry/stat" || continue
    rest=${stat##*) }
    read -r state _ pgrp _ <<<"$rest"
    [ "$pgrp" = "$1" ] && [ "$state" != Z ] || continue
    [ "$(readlink "$entry/cwd" 2>/dev/null || true)" = "$here" ] || continue
    echo "${entry#/proc/}"
  done
}

previous=$(tr -dc '0-9' <"$pidfile" 2>/dev/null || true)
if [ -n "$previous" ] && [ "$previous" != "$$" ]; then
  members=$(group_members "$previous")
  if [ -n "$members" ]; then
    echo "$(date -u +%Y-%m-%dT%H:%M:%S+00:00) supervised_exec: pid $previous is gone, but" \
      "$(wc -w <<<"$members") process(es) it started still run (pids $(echo $members)); ending them" >&2
    for pid in $members; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 15); do
      [ -n "$(group_members "$previous")" ] || break
      sleep 0.1
    done
    for pid in $(group_members "$previous"); do kill -KILL "$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do
      [ -n "$(group_members "$previous")" ] || break
      sleep 0.1
    done
  fi
fi
echo $$ >"$pidfile.tmp"
mv -f "$pidfile.tmp" "$pidfile"
exec "$@"
