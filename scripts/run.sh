#!/usr/bin/env bash
# Builds the self-contained ModelOps app (release) and the command line beside it, then launches the app.
# Extra arguments go to the app, e.g.
#   scripts/run.sh --data-dir /tmp/modelops-scratch
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
echo "==> Building ModelOps (the first build takes several minutes)"
# The app and the CLI beside it, so that target/release/modelops (with or without a command) works as the
# README says.
bash scripts/build-release.sh --no-bundle
exec "${CARGO_TARGET_DIR:-target}/release/modelops-app" "$@"
