#!/usr/bin/env bash
# End-to-end tests of the built app in a real window: Xvfb, tauri-driver + WebKitWebDriver, the real webview
# and the real GTK save dialog (driven by xdotool).
#
#   scripts/e2e.sh                       build (if needed) and test target/release/modelops-app, with the
#                                        release build of scripts/cargo-test-args.sh ($CARGO_TARGET_DIR is honoured)
#   MODELOPS_E2E_APP=/usr/bin/modelops scripts/e2e.sh launch_shows   one test against another binary (here
#                                        the installed CLI, which hands over to /usr/bin/modelops-app)
#
# Screenshots go to test-output/e2e/ (or $MODELOPS_E2E_OUT). Exits non-zero if a test fails or if any app,
# driver or Xvfb process outlives the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

target=$(realpath -m "${CARGO_TARGET_DIR:-target}")
# The tests are #[ignore]d so that `cargo test` (scripts/test.sh) builds them without running them. Run through
# cargo with a target filter (`--test app`), they would be compiled again: cargo resolves the shared
# dependencies' features for the targets selected, and a minute of CI went there. The same arguments as that
# build find the binaries fresh (or build them, the app and the generator with them, when run on its own); they
# run as cargo would run them, from their package's folder.
source scripts/cargo-test-args.sh
# The app embeds ui/dist when it compiles (scripts/test.sh has just built it and says so). Testing another
# binary (MODELOPS_E2E_APP, the package test), a built UI will do: building it again only made cargo compile
# the app crate again, two minutes of CI for a binary nobody runs.
if [ "${MODELOPS_UI_BUILT:-}" != 1 ] && { [ -z "${MODELOPS_E2E_APP:-}" ] || [ ! -f ui/dist/index.html ]; }; then
  (cd ui && npm run --silent build)
fi
mapfile -t tests < <(cargo test "${CARGO_TEST_ARGS[@]}" --no-run --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    t = m.get("target", {})
    if m.get("reason") == "compiler-artifact" and t.get("kind") == ["test"] and t.get("name") in ("app", "team") \
            and m.get("executable"):
        print(m["executable"])
')
[ "${#tests[@]}" = 2 ] || { echo "Expected the app and team test binaries, cargo built: ${tests[*]:-none}" >&2; exit 1; }
app=${MODELOPS_E2E_APP:-$target/release/modelops-app}
[ -x "$app" ] || { echo "No app binary at $app." >&2; exit 1; }
export MODELOPS_E2E_APP=$app
export MODELOPS_E2E_OUT=${MODELOPS_E2E_OUT:-$PWD/test-output/e2e}
export GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
mkdir -p "$MODELOPS_E2E_OUT"

# The large-registry tests copy a generated registry from target/bench-data (src-tauri/e2e/lib.rs). Generated
# inside the tests, it would come from a debug build, SQLite included, twice as slow. The release generator
# makes it once per checkout before the tests start (100 000 models: 77 s on two cores).
bench_data=$PWD/target/bench-data
for n in 100000; do
  [ -f "$bench_data/app-registry-$n.sqlite3" ] && continue
  mkdir -p "$bench_data"
  rm -f "$bench_data/app-registry-$n.sqlite3.partial"
  "$target/release/modelops-gen" --models "$n" --seed 42 --out "$bench_data/app-registry-$n.sqlite3.partial"
  mv "$bench_data/app-registry-$n.sqlite3.partial" "$bench_data/app-registry-$n.sqlite3"
done

# A display of our own, even when one is set: the tests type into native dialogs.
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=":$display"
cleanup() { kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

status=0
for t in "${tests[@]}"; do
  (cd src-tauri/e2e && "$t" --ignored --test-threads=1 "$@") || status=$?
done

cleanup
trap - EXIT
# Processes that are still running (zombies waiting for init to reap them are gone already), after a grace
# period for the ones that were just signalled. The CLI hands over to the app beside it: look for both.
apps="$app|$(dirname "$app")/modelops-app"
alive() {
  ps -eo pid=,stat=,args= | awk '$2 !~ /^Z/' \
    | grep -E "tauri-driver|WebKitWebDriver|[0-9] [^ ]+ ($apps)( |$)|Xvfb :$display( |$)" | grep -v grep || true
}
for _ in $(seq 20); do [ -z "$(alive)" ] && break; sleep 0.25; done
leftovers=$(alive)
if [ -n "$leftovers" ]; then
  echo "Processes left behind by the end-to-end run:" >&2
  echo "$leftovers" >&2
  exit 1
fi
exit "$status"
