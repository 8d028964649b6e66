#!/usr/bin/env bash
# Smoke test of the embedded default (what `npm start` runs, backend side): starts the backend on
# app-config.yaml + app-config.embedded.yaml (BACKSTAGE_ENV=embedded, as scripts/start.sh), waits until it listens, signs in as guest, checks that the catalog lists the example
# entities, that the developer and admin personas sign in with their teams, that the docker-env plugin
# and the lab answer, and that no plugin failed to start.
# Prints one line `smoke: ok ...` or `smoke: FAILED ...`; exit code 0 or 1.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
LOG="$ROOT/.tools/test-results/smoke-backend.log"
mkdir -p "$(dirname "$LOG")"
BASE=http://127.0.0.1:7007

fail() { echo "smoke: FAILED - $*"; tail -30 "$LOG"; exit 1; }

t0=$(date +%s)
BACKSTAGE_ENV=embedded setsid yarn workspace backend start >"$LOG" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null' EXIT

for _ in $(seq 1 120); do
  curl -fsS "$BASE/api/docker-env/health" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || fail "the backend exited"
  sleep 1
done
curl -fsS "$BASE/api/docker-env/health" >/dev/null 2>&1 || fail "the backend did not answer within 120 s"
ready=$(( $(date +%s) - t0 ))

token=$(curl -fsS -X POST "$BASE/api/auth/guest/refresh" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).backstageIdentity.token))') \
  || fail "guest sign-in"

expected="Component:docker-env-platform Group:platform-team Template:docker-environment User:admin User:dev User:guest"
for _ in $(seq 1 60); do
  found=$(curl -fsS -H "Authorization: Bearer $token" "$BASE/api/catalog/entities?fields=kind,metadata.name" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).map(e=>e.kind+":"+e.metadata.name).sort().join(" ")))')
  missing=""
  for e in $expected; do [[ " $found " == *" $e "* ]] || missing="$missing $e"; done
  [ -z "$missing" ] && break
  sleep 1
done
[ -z "$missing" ] || fail "catalog lacks$missing (has: $found)"

# the sign-in page's personas: the developer owns through team-a only, the admin through platform-team
ownership() {
  curl -fsS -H "x-docker-env-persona: $1" "$BASE/api/auth/embedded/refresh" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).backstageIdentity.identity.ownershipEntityRefs.join(" ")))'
}
dev=$(ownership developer) || fail "developer sign-in"
[[ " $dev " == *" group:default/team-a "* && " $dev " != *platform-team* ]] || fail "developer owns: $dev"
admin=$(ownership admin) || fail "admin sign-in"
[[ " $admin " == *" group:default/platform-team "* ]] || fail "admin owns: $admin"

curl -fsS -H 'Authorization: PVEAPIToken=docker-env@pve!portal=5f3c2a10-8d4e-4b6f-9a7c-1e2d3f4a5b6c' \
  http://127.0.0.1:18006/api2/json/cluster/nextid | grep -q '"data":"' || fail "the lab's Proxmox does not answer"

if grep -E "startup failed|threw an error during startup|Unhandled rejection" "$LOG" >/dev/null; then
  fail "a plugin failed to start"
fi
echo "smoke: ok - backend ready in ${ready}s, catalog has the example entities, developer/admin personas sign in, lab answers, no start-up error"
