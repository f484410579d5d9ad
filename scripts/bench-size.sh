#!/usr/bin/env bash
# "Installed binary / .deb" (issue 17): builds what ships (scripts/build-release.sh: the release profile, LTO,
# stripped, the .deb repacked with xz) and the empty Tauri window with the same profile, then prints the
# sizes, the app against the empty window, and the .deb with tauri's gzip beside the shipped xz.
#
#   scripts/bench-size.sh            (CARGO_TARGET_DIR is honoured; MODELOPS_UI_BUILT=1 skips the UI build)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-target}"
[ "${MODELOPS_UI_BUILT:-}" = 1 ] || (cd ui && npm run --silent build)
export MODELOPS_UI_BUILT=1
start=$SECONDS
bash scripts/build-release.sh --no-bundle
echo "build of the app, the CLI and the generator: $((SECONDS - start)) s"
cargo build --release --locked -q --example empty-window --features custom-protocol
# tauri's bundler alone, to keep its gzip .deb for the comparison; then the repack build-release.sh does.
rm -rf "$target/release/bundle/deb"
ui/node_modules/.bin/tauri bundle --bundles deb --ci >/dev/null
deb=$(ls "$target"/release/bundle/deb/*.deb)
gz=$(stat -c %s "$deb")
bash scripts/deb-xz.sh "$deb" >/dev/null

size() { stat -c %s "$1"; }
app=$(size "$target/release/modelops-app")
cli=$(size "$target/release/modelops")
empty=$(size "$target/release/examples/empty-window")
xz=$(size "$deb")
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
printf '%-44s %12d bytes  %s\n' "modelops-app (the window)" "$app" "$(mb "$app")"
printf '%-44s %12d bytes  %s\n' "modelops (the CLI)" "$cli" "$(mb "$cli")"
printf '%-44s %12d bytes  %s\n' "empty Tauri window, same profile" "$empty" "$(mb "$empty")"
awk -v a="$app" -v e="$empty" 'BEGIN { printf "%-44s %12.2fx\n", "the app against the empty window", a / e }'
printf '%-44s %12d bytes  %s\n' ".deb, tauri's gzip" "$gz" "$(mb "$gz")"
printf '%-44s %12d bytes  %s\n' ".deb as shipped (xz -9)" "$xz" "$(mb "$xz")"
