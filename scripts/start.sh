#!/usr/bin/env bash
# `npm start`: bootstrap Node 22, install, and start the portal on the embedded default
# (frontend http://localhost:3000, backend http://localhost:7007, SQLite, guest sign-in, the lab):
# app-config.yaml + app-config.embedded.yaml (BACKSTAGE_ENV=embedded; an app-config.local.yaml is read last).
# Prints one "[start] portal ready" line once both answer. Per-request access logs are off by default
# (BACKEND_ACCESS_LOG_LEVEL=info turns them on, see app-config.yaml backend.logger).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
# The keytar warning printed by `yarn install` is harmless: it is an optional dependency of the
# Backstage CLI (credential storage for `backstage-cli` logins) that the portal never uses.
yarn install

FRONTEND_URL=http://localhost:3000
BACKEND_URL=http://localhost:7007

# Waits (in the background) until the frontend and the backend both answer, then says so once.
announce_ready() {
  local deadline=$((SECONDS + 600))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if curl -fs -o /dev/null --max-time 2 "$FRONTEND_URL" &&
      curl -fs -o /dev/null --max-time 2 "$BACKEND_URL/.backstage/health/v1/readiness"; then
      echo "[start] portal ready: open $FRONTEND_URL (backend $BACKEND_URL)"
      return 0
    fi
    sleep 2
  done
  echo "[start] portal not answering after 10 minutes: check the output above" >&2
}
announce_ready &

# Backstage's config loader reads app-config.yaml, then app-config.$BACKSTAGE_ENV.yaml, then app-config.local.yaml
export BACKSTAGE_ENV=embedded
exec yarn backstage-cli repo start "$@"
