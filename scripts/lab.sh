#!/usr/bin/env bash
# `npm run lab [-- --latency-scale 0 ...]`: starts the lab standalone and prints each simulator's base URL.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/env.sh"
[ -d "$ROOT/node_modules" ] || (cd "$ROOT" && yarn install)
exec node "$ROOT/packages/lab/bin/docker-env-lab" "$@"
