#!/usr/bin/env bash
# Helpers shared by the service scripts.

# Debian packages come from the one list, scripts/deps/debian.txt: deps_install PROGRAM...
# shellcheck source=../deps/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deps/lib.sh"

# pid_alive PIDFILE COMM: true when the PID in PIDFILE is alive and its command name contains COMM.
pid_alive() {
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "$2" "/proc/$pid/comm" 2>/dev/null
}

# stop_pid PIDFILE: TERM the process, wait up to 5 s, then KILL; prints the PID it stopped.
stop_pid() {
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  echo "$pid"
}
