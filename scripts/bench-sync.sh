#!/usr/bin/env bash
# ModelOps' sync beside MLflow's own Python client, against one local `mlflow server` (SQLite backend), in
# one run: a first pull of N models with one version each (default 10 000) against the client listing the
# same models and versions, a pull with nothing new, and C queued changes (default 1 000) pushed by one
# `modelops sync` against the client making them one by one. Figures go to BENCHMARKS.md.
#
#   scripts/bench-sync.sh [N] [C]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
[ -x .venv/bin/mlflow ] || bash scripts/setup.sh --test
target=$(realpath "${CARGO_TARGET_DIR:-target}")
cargo build --release --locked -q -p modelops-cli
MODELOPS_BIN=$target/release/modelops MODELOPS_VENV=$PWD/.venv GIT_PYTHON_REFRESH=quiet \
  MODELOPS_BENCH_CACHE="${MODELOPS_BENCH_CACHE:-$target/bench-data/mlflow-${1:-10000}}" \
  .venv/bin/python scripts/bench_sync.py "${1:-10000}" "${2:-1000}"
