#!/usr/bin/env bash
# `npm run docs:screenshots`: runs the browser journey (scripts/journey.sh) and copies the screenshots the guides
# reference (docs/**/*.md: images/<label>.png) from its results into docs/images/, where they are committed on purpose.
# The journey names its screenshots `<NN>-<label>.png`; a label with other characters than letters, digits and
# hyphens is written with hyphens (`sign-in (cold cache)` -> `sign-in-cold-cache`).
# `--copy-only` copies from the last journey's results without running it again.
# Ends with `docs:screenshots: copied N` or `docs:screenshots: FAILED ...`; exit code 0 or 1.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RESULTS="$ROOT/.tools/test-results/journey"
IMAGES="$ROOT/docs/images"

if [ "${1:-}" != "--copy-only" ]; then
  bash "$ROOT/scripts/journey.sh" || { echo "docs:screenshots: FAILED - the journey failed"; exit 1; }
fi

mkdir -p "$IMAGES"
declare -A shot
for f in "$RESULTS"/[0-9][0-9]-*.png; do
  [ -e "$f" ] || continue
  label=$(basename "$f" .png)
  label=${label#[0-9][0-9]-}
  label=$(printf '%s' "$label" | tr -cs 'A-Za-z0-9-' '-' | sed 's/-*$//')
  shot[$label]=$f
done

missing=""
copied=0
for name in $(grep -rhoE 'images/[A-Za-z0-9-]+\.png' docs --include='*.md' | sed 's#images/##; s#\.png$##' | sort -u); do
  if [ -n "${shot[$name]:-}" ]; then
    cp "${shot[$name]}" "$IMAGES/$name.png"
    copied=$((copied + 1))
  else
    missing="$missing $name"
  fi
done
if [ -n "$missing" ]; then
  echo "docs:screenshots: FAILED - the journey took no screenshot named:$missing (see $RESULTS)"
  exit 1
fi
echo "docs:screenshots: copied $copied screenshots into docs/images"
