#!/usr/bin/env bash
# Tests the .deb as a user meets it: install it with apt, check both binaries (the command line `modelops`,
# headless and free of GTK, and the desktop app `modelops-app`), the desktop entry and icons, start the
# window through the installed `modelops` with no command and see the table (screenshot in
# test-output/package/), then remove it. Prints the .deb size, both binaries' sizes and the
# launch-to-table-painted time.
#
#   scripts/package-test.sh   (needs root or sudo; build the .deb first: scripts/test.sh does)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)

deb=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)
[ -n "$deb" ] || { echo "No .deb in target/release/bundle/deb: run tauri build --bundles deb first." >&2; exit 1; }
fail() { echo "package test: $*" >&2; exit 1; }

pkg=$(dpkg-deb -f "$deb" Package)
echo "==> Installing $deb ($pkg)"
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$(realpath "$deb")" >/dev/null
remove() { DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get remove -y -qq "$pkg" >/dev/null 2>&1 || true; }
trap remove EXIT

bin=/usr/bin/modelops
app=/usr/bin/modelops-app
for b in "$bin" "$app"; do
  [ -x "$b" ] || fail "$b is not installed"
  dpkg -S "$b" 2>/dev/null | grep -q "^$pkg:" || fail "$b is not $pkg's"
done
# The CLI from the package, with no display and a scratch registry: it starts, runs a command, and loads no
# GUI library (what it is a binary of its own for).
"$bin" --version | grep -qx 'modelops [0-9.]*' || fail "$bin --version: $("$bin" --version 2>&1)"
scratch=$(mktemp -d)
listed=$(env -u DISPLAY -u WAYLAND_DISPLAY "$bin" --data-dir "$scratch" --json list --limit 1) \
  || fail "$bin list failed on a new registry"
rm -rf "$scratch"
echo "$listed" | grep -q '"total": 4' || fail "$bin list did not see the four demo models: $listed"
gui=$(ldd "$bin" | grep -Ei 'gtk|gdk|webkit|javascriptcore|glib|gobject|gio-|soup|cairo|pango' || true)
[ -z "$gui" ] || fail "$bin links GUI libraries: $gui"
echo "$bin: $("$bin" --version), no GUI library linked"
desktop=$(dpkg -L "$pkg" | grep -E '^/usr/share/applications/.*\.desktop$' | head -n1)
[ -n "$desktop" ] || fail "no desktop entry installed"
grep -qx 'Name=ModelOps' "$desktop" || fail "desktop entry has no Name=ModelOps"
# The entry starts the app itself: a launcher gains nothing from the CLI's hand-over.
grep -qE '^Exec=modelops-app( |$)' "$desktop" || fail "desktop entry does not run modelops-app"
grep -qE '^Icon=modelops-app$' "$desktop" || fail "desktop entry names no modelops-app icon"
grep -qE '^Categories=.*Development' "$desktop" || fail "desktop entry has no Development category"
icons=$(dpkg -L "$pkg" | grep -E '^/usr/share/icons/hicolor/.*/apps/modelops-app\.png$' || true)
[ "$(echo "$icons" | grep -c png)" -ge 2 ] || fail "expected hicolor icons, got: $icons"
for icon in $icons; do file "$icon" | grep -q 'PNG image' || fail "$icon is not a PNG"; done
echo "desktop entry: $desktop"; echo "icons: $(echo $icons)"

echo "==> Starting the installed app in a real window, as \`modelops\` with no command"
out=$PWD/test-output/package
rm -rf "$out"; mkdir -p "$out"
MODELOPS_E2E_APP=$bin MODELOPS_E2E_OUT=$out bash scripts/e2e.sh launch_shows_the_four_demo_models --nocapture \
  | tee "$out/e2e.log"
[ -s "$out/table.png" ] || fail "no screenshot of the installed app"

deb_size=$(stat -c %s "$deb")
bin_size=$(stat -c %s "$bin")
app_size=$(stat -c %s "$app")
paint=$(grep -Eo 'launch-to-table-painted: [0-9]+ ms' "$out/e2e.log" | grep -Eo '[0-9]+' || echo "?")
remove
trap - EXIT
[ ! -e "$bin" ] || fail "$bin still present after removal"
[ ! -e "$app" ] || fail "$app still present after removal"
echo "==> Removed $pkg"
awk -v d="$deb_size" -v b="$bin_size" -v a="$app_size" -v p="$paint" 'BEGIN {
  printf "deb: %d bytes (%.1f MB); installed modelops (CLI): %d bytes (%.1f MB); modelops-app: %d bytes (%.1f MB); launch to table painted: %s ms\n", d, d/1e6, b, b/1e6, a, a/1e6, p
}' | tee "$out/figures.txt"
