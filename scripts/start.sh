#!/usr/bin/env bash
# `npm start`: bootstrap Node 22, install, and start the portal on the embedded default
# (frontend http://localhost:3000, backend http://localhost:7007, SQLite, guest sign-in, the lab).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
yarn install
exec yarn backstage-cli repo start "$@"
