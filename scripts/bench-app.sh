#!/usr/bin/env bash
# App benchmark over the real window (issue 4): launch → table painted, frame intervals while scrolling
# through every row, and PSS of all the app's processes, at 1 000, 10 000 and 100 000 generated models,
# with an empty Tauri window as the memory baseline; then view changes (sort, status chip, search) from the
# input to the painted frame at 100 000 models (issue 17). MODELOPS_BENCH_SCROLL=0 skips the first part,
# MODELOPS_BENCH_VIEW=0 the second. Builds the release app (incrementally: a stale binary
# would measure old code) and the baseline example; MODELOPS_BENCH_BUILT=1 measures the ones already in the
# target folder instead (scripts/bench-issue17.sh builds what ships with scripts/bench-size.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-target}"
if [ "${MODELOPS_BENCH_BUILT:-}" != 1 ]; then
  [ -x ui/node_modules/.bin/tauri ] || (cd ui && npm ci --no-audit --no-fund)
  ui/node_modules/.bin/tauri build --no-bundle --ci
  [ "${MODELOPS_BENCH_BASELINE:-1}" = 0 ] || [ "${MODELOPS_BENCH_SCROLL:-1}" = 0 ] || cargo build --release --locked --example empty-window --features custom-protocol
fi
cargo build --locked -p modelops-e2e --bin app-bench --bin view-bench

export MODELOPS_E2E_APP=${MODELOPS_E2E_APP:-$(realpath "$target")/release/modelops-app}
export MODELOPS_E2E_OUT=$PWD/test-output/bench-shots GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
display=120
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
export DISPLAY=":$display"
sleep 1
[ "${MODELOPS_BENCH_SCROLL:-1}" = 0 ] || "$target/debug/app-bench"
[ "${MODELOPS_BENCH_VIEW:-1}" = 0 ] || "$target/debug/view-bench"
