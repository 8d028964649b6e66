#!/usr/bin/env bash
# `npm test`: bootstrap Node 22, install the Debian packages of scripts/deps/debian.txt and the node modules, start
# the real test services (PostgreSQL, OpenLDAP, sshd, and podman's Docker API when it works here), then type check,
# lint, smoke-test the embedded default's backend and run every package's tests. Ends with one line
# `N passed, M failed` (Jest tests plus the service, type-check, lint and smoke steps).
# Time budget: the whole run may take 75 minutes (DOCKER_ENV_TEST_BUDGET_MINUTES); past it the journey and the Jest
# run are stopped and the run fails, saying so. Each phase prints its time.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/.tools/test-results"
mkdir -p "$OUT"

phase_start=0
run_start=$(date +%s)
BUDGET_SECONDS=$(( ${DOCKER_ENV_TEST_BUDGET_MINUTES:-75} * 60 ))
phase() { phase_start=$(date +%s); echo "== $1"; }
phase_end() { echo "== $1 took $(( $(date +%s) - phase_start ))s (run: $(( $(date +%s) - run_start ))s)"; }
# seconds left of the budget (at least 1, so `timeout` stops a phase started past it at once)
budget_left() { local left=$(( BUDGET_SECONDS - ($(date +%s) - run_start) )); echo $(( left > 0 ? left : 1 )); }

phase "bootstrap (Node 22, Yarn)"
# shellcheck source=env.sh
source "$ROOT/scripts/env.sh" || { echo "0 passed, 1 failed"; exit 1; }
phase_end bootstrap

phase "Debian packages (scripts/deps/debian.txt)"
# shellcheck source=deps/lib.sh
source "$ROOT/scripts/deps/lib.sh"
deps_failed=0
deps_install_all >"$OUT/deps.log" 2>&1 || { tail -20 "$OUT/deps.log"; echo "   Debian packages FAILED"; deps_failed=1; }
phase_end "Debian packages"

phase "install"
if ! yarn install >"$OUT/install.log" 2>&1; then
  tail -40 "$OUT/install.log"
  echo "0 passed, 1 failed"
  exit 1
fi
phase_end install

phase "test services"
SERVICES=(postgres slapd sshd podman)
stop_services() {
  for s in "${SERVICES[@]}"; do
    [ -x "$ROOT/scripts/services/$s.sh" ] && "$ROOT/scripts/services/$s.sh" stop >/dev/null 2>&1
  done
}
trap stop_services EXIT
service_failures=0
for s in "${SERVICES[@]}"; do
  script="$ROOT/scripts/services/$s.sh"
  [ -x "$script" ] || continue
  if "$script" start >"$OUT/service-$s.log" 2>&1; then
    # shellcheck disable=SC1090
    [ -f "$ROOT/.tools/services/$s.env" ] && source "$ROOT/.tools/services/$s.env"
    echo "   $s: $(tail -n1 "$OUT/service-$s.log")"
  elif [ "$s" = podman ]; then
    # podman is optional: the Docker client's real-engine tests run where podman works
    echo "   podman: not available here ($(tail -n1 "$OUT/service-$s.log")); the lab engine covers the Docker client"
  else
    echo "   $s: FAILED to start"; tail -20 "$OUT/service-$s.log"
    service_failures=$((service_failures + 1))
  fi
done
phase_end "test services"

steps_passed=0
steps_failed=$((service_failures + deps_failed))

phase "type check (tsc)"
if yarn tsc >"$OUT/tsc.log" 2>&1; then
  steps_passed=$((steps_passed + 1))
else
  cat "$OUT/tsc.log" | tail -60; steps_failed=$((steps_failed + 1)); echo "   tsc FAILED"
fi
phase_end "type check"

phase "format (prettier --check)"
if yarn prettier --check . >"$OUT/prettier.log" 2>&1; then
  steps_passed=$((steps_passed + 1))
else
  grep -E '^\[warn\]' "$OUT/prettier.log" | head -40; steps_failed=$((steps_failed + 1)); echo "   format FAILED (run: yarn prettier --write .)"
fi
phase_end format

phase "lint"
if yarn backstage-cli repo lint >"$OUT/lint.log" 2>&1; then
  steps_passed=$((steps_passed + 1))
else
  tail -60 "$OUT/lint.log"; steps_failed=$((steps_failed + 1)); echo "   lint FAILED"
fi
phase_end lint

phase "smoke (the README's quick start: npm start answers, the backend starts cleanly)"
if bash "$ROOT/scripts/smoke-backend.sh" >"$OUT/smoke.log" 2>&1; then
  steps_passed=$((steps_passed + 1)); tail -n1 "$OUT/smoke.log"
else
  cat "$OUT/smoke.log"; steps_failed=$((steps_failed + 1))
fi
phase_end smoke

phase "browser journey (headless Chromium, production build of the app)"
if timeout --kill-after=30 "$(budget_left)" bash "$ROOT/scripts/journey.sh" >"$OUT/journey.log" 2>&1; then
  steps_passed=$((steps_passed + 1)); grep -E '^journey: (time|ok)' "$OUT/journey.log"
else
  tail -30 "$OUT/journey.log"; steps_failed=$((steps_failed + 1))
fi
phase_end "browser journey"

phase "production mode against the TLS lab (npm run start:prod-lab, GitLab sign-in, HTTPS, CI deploy, lifecycle)"
if timeout --kill-after=30 240 bash "$ROOT/scripts/prod-lab-e2e.sh" >"$OUT/prod-lab-e2e.log" 2>&1; then
  steps_passed=$((steps_passed + 1)); tail -n1 "$OUT/prod-lab-e2e.log"
else
  tail -30 "$OUT/prod-lab-e2e.log"; steps_failed=$((steps_failed + 1))
fi
phase_end "prod-lab e2e"

phase "tests (jest, every package)"
# Store tests use exactly SQLite and the PostgreSQL started above: never containers of their own.
export BACKSTAGE_TEST_DISABLE_DOCKER=1
rm -f "$OUT/jest.json"
CI=true timeout --kill-after=60 "$(budget_left)" yarn backstage-cli repo test --ci --json --outputFile="$OUT/jest.json" 2>&1 | tee "$OUT/jest.log" | grep -E '^(PASS|FAIL)|●|Tests:' || true
phase_end tests

read -r jest_passed jest_failed < <(node -e '
  try {
    const r = require(process.argv[1]);
    const failedSuites = r.testResults.filter(s => s.status === "failed" && s.assertionResults.length === 0).length;
    console.log(r.numPassedTests, r.numFailedTests + failedSuites + (r.numTotalTests === 0 ? 1 : 0));
  } catch (e) { console.log(0, 1); }
' "$OUT/jest.json")

run_seconds=$(( $(date +%s) - run_start ))
if [ "$run_seconds" -ge "$BUDGET_SECONDS" ]; then
  echo "time budget: FAILED - the run took ${run_seconds}s, over its $((BUDGET_SECONDS / 60)) minutes (phases cut short above)"
  steps_failed=$((steps_failed + 1))
else
  echo "time budget: the run took ${run_seconds}s of its $((BUDGET_SECONDS / 60)) minutes"
fi

passed=$((jest_passed + steps_passed))
failed=$((jest_failed + steps_failed))
echo "tests: jest $jest_passed passed, $jest_failed failed; steps (packages, services, tsc, format, lint, smoke, journey, prod-lab e2e, time budget): $steps_passed passed, $steps_failed failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
