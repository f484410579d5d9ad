#!/usr/bin/env bash
# Refreshes the README's screenshot from the last end-to-end run (scripts/e2e.sh or scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
src=${MODELOPS_E2E_OUT:-test-output/e2e}/table.png
[ -s "$src" ] || { echo "No $src: run scripts/e2e.sh first." >&2; exit 1; }
cp "$src" docs/screenshot.png
echo "docs/screenshot.png updated from $src"
