#!/usr/bin/env bash
# Runs every check and test of ModelOps; what CI runs (.ci/run calls this). Installs what it needs first.
# Ends with one line "tests: N passed, M failed" summing the Rust (unit, IPC, end-to-end, package) and UI
# test counts; any failure stops the script before it with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PATH"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Each step says how long the one before it took, so a slow step shows in CI's log.
started=0  # SECONDS counts from the start of this script, setup included
last=
step() {
  [ -n "$last" ] && printf '    (%d s)\n' $((SECONDS - last))
  last=$SECONDS
  printf '\n\033[1m==> %s\033[0m\n' "$*"
}

# The app crate embeds ui/dist at compile time, so the page is built before any cargo step.
step "UI: typecheck and production build"
(cd ui && npm run --silent build)

step "rustfmt"
cargo fmt --all -- --check

# One release build for every test here, the end-to-end tests' app and the .deb (scripts/cargo-test-args.sh).
source scripts/cargo-test-args.sh
# Clippy lints that build as it compiles it: clippy-driver stands in for rustc on the workspace's own crates
# (cargo's RUSTC_WORKSPACE_WRAPPER, what `cargo clippy` sets too), so the workspace is compiled once, not once
# by `cargo clippy`'s check and again for the tests. -D warnings reaches the workspace's crates only (cargo caps
# dependencies' lints). Exported, so scripts/e2e.sh's cargo call below finds the same build instead of
# compiling everything again (RUSTFLAGS is in every unit's fingerprint). docs/adr/0022-clippy-in-the-test-build.md
export RUSTC_WORKSPACE_WRAPPER="$HOME/.cargo/bin/clippy-driver"
export RUSTFLAGS="-D warnings"
step "Rust: the release build of every test and binary (the app, the CLI, the generator, the ignored end-to-end tests), linted by clippy as it compiles (warnings are errors)"
cargo test "${CARGO_TEST_ARGS[@]}" --no-run
# The targets `cargo test` leaves out, so that clippy still sees them: the examples and the criterion bench
# (named: `--benches` also selects every library and binary built as a benchmark). Not `cargo test --all-targets`:
# the plain `cargo test` below did not reuse its units and compiled the app crate again (86 s).
cargo build "${CARGO_TEST_ARGS[@]}" --examples --bench registry

step "Rust tests (core, IPC through the mock runtime, the layers of docs/adr/0018-layers.md; also regenerates ui/src/bindings)"
cargo test "${CARGO_TEST_ARGS[@]}" 2>&1 | tee "$out/cargo.log"

step "TypeScript bindings are up to date"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --short -- ui/src/bindings
  echo "ui/src/bindings differs from what the Rust types generate: commit the regenerated files." >&2
  exit 1
fi

step "UI: typecheck against the fresh bindings, eslint, unit tests"
(cd ui && npm run --silent typecheck && npm run --silent lint && npx vitest run 2>&1 | tee "$out/vitest.log")

step "The .deb of the tested binaries (AppImage stays configured but needs a download, so not here)"
# The binaries the Rust tests just built and tested: bundle-cli.sh is told not to build them again.
MODELOPS_PREBUILT=1 ui/node_modules/.bin/tauri bundle --bundles deb --ci
for deb in "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb; do bash scripts/deb-xz.sh "$deb"; done

step "End-to-end tests of the release app in a real window (Xvfb, WebDriver, native save dialog)"
MODELOPS_UI_BUILT=1 bash scripts/e2e.sh 2>&1 | tee "$out/e2e.log"

step "Package test: install the .deb with apt, start the installed app, remove it"
bash scripts/package-test.sh 2>&1 | tee "$out/package.log"

rust_passed=$(cat "$out/cargo.log" "$out/e2e.log" "$out/package.log" \
  | grep -Eo 'test result: ok\. [0-9]+ passed' | awk '{s+=$4} END {print s+0}')
ui_passed=$(sed 's/\x1b\[[0-9;]*m//g' "$out/vitest.log" | grep -E '^ +Tests +[0-9]+ passed' | grep -Eo '[0-9]+ passed' | awk '{print $1}')
echo
echo "Rust: ${rust_passed} passed; UI: ${ui_passed:-0} passed"
echo "time: $((SECONDS - started)) s"
echo "tests: $((rust_passed + ${ui_passed:-0})) passed, 0 failed"
