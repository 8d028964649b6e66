#!/usr/bin/env bash
# The browser journey (packages/app/e2e/journey.mjs): headless Chromium driven by playwright-core against the
# portal on the embedded default, with the production build of the app served by the backend.
# Installs what it needs when missing (Debian's chromium from scripts/deps/debian.txt; playwright-core comes with
# `yarn install`), builds the
# app, runs the journey. Screenshots, timings.json and the portal's log go to .tools/test-results/journey/.
# Prints `journey: ok ...` or `journey: FAILED ...`; exit code 0 or 1.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh" || { echo "journey: FAILED - no Node 22 toolchain"; exit 1; }
source "$ROOT/scripts/deps/lib.sh"
OUT="$ROOT/.tools/test-results/journey"
mkdir -p "$OUT"

if [ -z "${CHROMIUM_PATH:-}" ] && ! deps_install chromium >"$OUT/../chromium-install.log" 2>&1; then
  tail -5 "$OUT/../chromium-install.log"
  echo "journey: FAILED - no Chromium: install Debian's package (apt-get install chromium, as root) or set CHROMIUM_PATH"
  exit 1
fi
if ! (cd packages/app && node -e 'require.resolve("playwright-core")') >/dev/null 2>&1; then
  echo "journey: FAILED - playwright-core is missing: run yarn install"
  exit 1
fi

# the embedded default's layer (app-config.yaml + app-config.embedded.yaml), for the app build as for `npm start`
export BACKSTAGE_ENV=embedded
build_start=$(date +%s)
if ! yarn workspace app build >"$OUT/../app-build.log" 2>&1; then
  tail -30 "$OUT/../app-build.log"
  echo "journey: FAILED - the app did not build (see .tools/test-results/app-build.log)"
  exit 1
fi
echo "journey: production build of the app took $(($(date +%s) - build_start)) s"
exec node packages/app/e2e/journey.mjs "$OUT"
