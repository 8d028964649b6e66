#!/usr/bin/env bash
# The end-to-end test of production mode against the TLS lab (scripts/prod-lab/e2e.ts): `npm run start:prod-lab` on
# its own ports, GitLab sign-in, provisioning, HTTPS, a CI deployment, pause, resume, snapshot, delete.
# Prints `prod-lab e2e: ok ...` or `prod-lab e2e: FAILED ...`; exit code 0 or 1.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/env.sh" || { echo "prod-lab e2e: FAILED - no Node 22 toolchain"; exit 1; }
export PROD_LAB_BACKEND_PORT="${PROD_LAB_BACKEND_PORT:-7307}" PROD_LAB_PAUSED_PORT="${PROD_LAB_PAUSED_PORT:-7308}"
export PROD_LAB_EDGE_HTTP_PORT="${PROD_LAB_EDGE_HTTP_PORT:-18580}" PROD_LAB_EDGE_HTTPS_PORT="${PROD_LAB_EDGE_HTTPS_PORT:-18543}"
exec node -r "$ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" "$ROOT/scripts/prod-lab/e2e.ts"
