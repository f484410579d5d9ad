#!/usr/bin/env bash
# tauri build's beforeBundleCommand (tauri.conf.json): builds the command line, `modelops` (src-tauri/cli, a
# crate of its own so it loads no GTK), and stages it at gen/cli/modelops, where the .deb's
# `bundle.linux.deb.files` takes it from into /usr/bin beside the app. Tauri bundles the app package's own
# binaries only, and `files` can't name a path under $CARGO_TARGET_DIR, hence the copy to a fixed place.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
args=(--release)
# `tauri build --debug` bundles debug binaries: the CLI follows.
if [ "${TAURI_ENV_DEBUG:-false}" = true ]; then profile=debug; args=(); fi
# --target only for a cross build, as tauri does: with it cargo writes to another folder and rebuilds every
# dependency, even for the host's own triple.
host=$(rustc -vV | sed -n 's/^host: //p')
triple=${TAURI_ENV_TARGET_TRIPLE:-$host}
out=${CARGO_TARGET_DIR:-target}
if [ "$triple" != "$host" ]; then args+=(--target "$triple"); out=$out/$triple; fi
# The same packages and features as scripts/build-release.sh, so that after it this finds everything fresh.
# MODELOPS_PREBUILT=1: the binaries in the target folder are the ones to ship as they are (scripts/test.sh
# bundles what its release test build made; built here with other features, they would compile again).
if [ "${MODELOPS_PREBUILT:-}" != 1 ]; then
  cargo build --locked -q -p modelops -p modelops-cli -p modelops-tools --features modelops/custom-protocol "${args[@]}"
fi
bin=$out/$profile/modelops
[ -x "$bin" ] || { echo "bundle-cli: cargo built no modelops binary ($profile, $triple)" >&2; exit 1; }
mkdir -p gen/cli
# Not a hard link: the staged copy must not change when a later build rewrites the target folder's file.
cp -f "$bin" gen/cli/modelops.partial
mv -f gen/cli/modelops.partial gen/cli/modelops
echo "bundle-cli: $bin -> gen/cli/modelops"
