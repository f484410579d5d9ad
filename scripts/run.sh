#!/usr/bin/env bash
# Builds the self-contained ModelOps app (release) and launches it. Extra arguments go to the app, e.g.
#   scripts/run.sh --data-dir /tmp/modelops-scratch
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
echo "==> Building ModelOps (the first build takes several minutes)"
ui/node_modules/.bin/tauri build --no-bundle
exec target/release/modelops "$@"
