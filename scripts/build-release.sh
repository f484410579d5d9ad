#!/usr/bin/env bash
# Builds the release app and the CLI in one cargo run, then bundles them (default: the .deb):
#   scripts/build-release.sh            -> target/release/bundle/deb/ModelOps_<version>_amd64.deb
#   scripts/build-release.sh --no-bundle   the binaries only (scripts/run.sh, scripts/e2e.sh)
# One cargo run for both packages resolves one set of features for the dependencies they share, so each is
# compiled once. `tauri build` works too, but it builds the app alone and its beforeBundleCommand
# (scripts/bundle-cli.sh) then builds the two together: the shared dependencies compile twice.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# The app embeds ui/dist at compile time (tauri build's beforeBuildCommand does this step).
[ "${MODELOPS_UI_BUILT:-}" = 1 ] || (cd ui && npm run --silent build)
# modelops-tools too: its generator makes the end-to-end tests' large registry (scripts/e2e.sh), and built
# apart it would compile the shared dependencies a third time.
cargo build --release --locked -p modelops -p modelops-cli -p modelops-tools --features modelops/custom-protocol
[ "${1:-}" = --no-bundle ] && exit 0
# Bundles what cargo just built; its beforeBundleCommand finds the CLI fresh and stages it.
ui/node_modules/.bin/tauri bundle --bundles deb --ci
# tauri's bundler packs with gzip; xz -9 makes the .deb about half as big (scripts/deb-xz.sh).
for deb in "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb; do bash scripts/deb-xz.sh "$deb"; done
