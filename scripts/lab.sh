#!/usr/bin/env bash
# `npm run lab [-- --latency-scale 0 ...]`: starts the lab standalone and prints each simulator's base URL.
# `npm run lab -- --tls`: the TLS lab (its edge's ACME resolver runs Debian's pebble, installed from scripts/deps).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/env.sh"
source "$ROOT/scripts/deps/lib.sh"
[ -d "$ROOT/node_modules" ] || (cd "$ROOT" && yarn install)
for arg in "$@"; do
  [ "$arg" = --tls ] && deps_install pebble pebble-challtestsrv
done
exec node "$ROOT/packages/lab/bin/docker-env-lab" "$@"
