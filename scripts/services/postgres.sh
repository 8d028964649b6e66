#!/usr/bin/env bash
# Real PostgreSQL on 127.0.0.1 for store tests: `postgres.sh start|stop`.
# Installs Debian's postgresql when missing (as root, from scripts/deps/debian.txt). State under .tools/services/postgres/.
# Writes .tools/services/postgres.env with the connection string Backstage's TestDatabases reads.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="$ROOT/.tools/services/postgres"
ENV_FILE="$ROOT/.tools/services/postgres.env"
PORT="${DOCKER_ENV_TEST_PG_PORT:-25432}"
source "$ROOT/scripts/services/lib.sh"

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  echo "$d"
}

as_pg() { su postgres -s /bin/sh -c "$*"; }

start() {
  local bin
  bin="$(pg_bin)"
  if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
    deps_install '/usr/lib/postgresql/*/bin/pg_ctl'
    bin="$(pg_bin)"
  fi
  local version
  version="$(basename "$(dirname "$bin")")"
  mkdir -p "$DIR"
  chown postgres "$DIR"
  # the postgres user must be able to reach the data directory
  chmod o+x "$ROOT" "$ROOT/.tools" "$ROOT/.tools/services" 2>/dev/null || true
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_pg "'$bin/initdb' -D '$DIR/data' -A trust -U postgres >/dev/null"
  fi
  if ! as_pg "'$bin/pg_ctl' -D '$DIR/data' status" >/dev/null 2>&1; then
    as_pg "'$bin/pg_ctl' -D '$DIR/data' -l '$DIR/log' -w -t 30 -o \"-c listen_addresses=127.0.0.1 -p $PORT -c fsync=off -c full_page_writes=off -c max_connections=300 -k '$DIR'\" start" >/dev/null
  fi
  cat > "$ENV_FILE" <<ENV
export BACKSTAGE_TEST_DATABASE_POSTGRES${version}_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$PORT
export DOCKER_ENV_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$PORT
ENV
  echo "postgres $version on 127.0.0.1:$PORT"
}

stop() {
  local bin
  bin="$(pg_bin)"
  if [ -n "$bin" ] && [ -f "$DIR/data/PG_VERSION" ]; then
    as_pg "'$bin/pg_ctl' -D '$DIR/data' -m immediate stop" >/dev/null 2>&1 || true
  fi
  rm -f "$ENV_FILE"
}

"${1:-start}"
