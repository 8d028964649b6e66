#!/usr/bin/env bash
# `npm run start:prod-lab`: the portal in production mode against the TLS lab (scripts/prod-lab/main.ts): installs what
# it needs from the project's Debian list, starts the test PostgreSQL and slapd (scripts/services), then the TLS lab
# and the backend the production way. Prints `prod-lab ready: backend <url> edge-https <host:port> ca <path> domain <d>`.
# Ports (all on 127.0.0.1): PROD_LAB_BACKEND_PORT 7207, PROD_LAB_PAUSED_PORT 7208, PROD_LAB_EDGE_HTTP_PORT 18480,
# PROD_LAB_EDGE_HTTPS_PORT 18443; state in PROD_LAB_DIR (default .lab-data/prod-lab, made afresh each run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
source "$ROOT/scripts/deps/lib.sh"
[ -d "$ROOT/node_modules" ] || yarn install
deps_install pebble pebble-challtestsrv /usr/lib/postgresql/*/bin/pg_ctl /usr/sbin/slapd ldapadd
scripts/services/postgres.sh start >&2
scripts/services/slapd.sh start >&2
source "$ROOT/.tools/services/postgres.env"
source "$ROOT/.tools/services/slapd.env"
# the backend serves the app's production build (packages/app/dist; its config is injected at serve time, so the
# journey's build serves here too): built once when missing, unless PROD_LAB_SKIP_APP_BUILD=1
if [ ! -f "$ROOT/packages/app/dist/index.html" ]; then
  if [ "${PROD_LAB_SKIP_APP_BUILD:-0}" = 1 ]; then
    echo "[prod-lab] packages/app/dist is missing and PROD_LAB_SKIP_APP_BUILD=1: the backend serves the API without the app" >&2
  else
    echo "[prod-lab] building the app (packages/app/dist), once: a few minutes" >&2
    yarn workspace app build >&2
  fi
fi
exec node -r "$ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" "$ROOT/scripts/prod-lab/main.ts"
