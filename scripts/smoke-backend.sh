#!/usr/bin/env bash
# Smoke test of the README's quick start: runs its first command (the first line of the first code block under
# "## Quick start", `npm start`) the way the README documents it, waits for the line it prints once the portal is
# ready, and checks that every URL on that line answers (the first, the one to open, with 200 and the app's page).
# Then, against the backend it started: signs in as guest, checks that the catalog lists the example entities, that
# the developer and admin personas sign in with their teams, that the docker-env plugin and the lab answer, and that
# no plugin failed to start.
# Prints one line `smoke: ok ...` or `smoke: FAILED ...`; exit code 0 or 1.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
LOG="$ROOT/.tools/test-results/smoke-backend.log"
mkdir -p "$(dirname "$LOG")"
BASE=http://127.0.0.1:7007

fail() { echo "smoke: FAILED - $*"; tail -30 "$LOG"; exit 1; }

# the README's first quick-start command, exactly as written there
quick_start=$(awk '/^## Quick start/ { q = 1; next } q && /^```/ { if (inside) exit; inside = 1; next } inside { print; exit }' README.md)
[ -n "$quick_start" ] || { echo "smoke: FAILED - README.md has no code block under ## Quick start"; exit 1; }

t0=$(date +%s)
setsid bash -c "$quick_start" >"$LOG" 2>&1 </dev/null &
pid=$!
stop() {
  kill -- -$pid 2>/dev/null
  wait $pid 2>/dev/null
  # the next user of the fixed ports must find them free: wait until nothing answers there
  for _ in $(seq 1 30); do
    curl -s -o /dev/null --max-time 1 "$BASE" || curl -s -o /dev/null --max-time 1 http://127.0.0.1:3000 || break
    sleep 0.5
  done
}
trap stop EXIT

ready_line=""
for _ in $(seq 1 900); do
  ready_line=$(grep -m1 'portal ready' "$LOG" 2>/dev/null)
  [ -n "$ready_line" ] && break
  kill -0 $pid 2>/dev/null || fail "\`$quick_start\` exited before it said the portal is ready"
  sleep 1
done
[ -n "$ready_line" ] || fail "\`$quick_start\` did not say the portal is ready within 900 s"
ready=$(( $(date +%s) - t0 ))

urls=$(grep -oE 'https?://[^ )]+' <<<"$ready_line")
[ -n "$urls" ] || fail "\`$quick_start\` printed no URL: $ready_line"
first=1
for url in $urls; do
  code=$(curl -s -o "$LOG.page" -w '%{http_code}' --max-time 10 "$url")
  if [ "$first" = 1 ]; then
    [ "$code" = 200 ] && grep -q '<div id="root">' "$LOG.page" || fail "$url (the one to open) answers $code without the app's page"
    first=0
  elif [ "$code" = 000 ] || [ "$code" -ge 500 ]; then
    fail "$url answers $code"
  fi
done
rm -f "$LOG.page"

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
echo "smoke: ok - \`$quick_start\` ready in ${ready}s, its URLs answer ($(echo $urls)), catalog has the example entities, developer/admin personas sign in, lab answers, no start-up error"
