#!/usr/bin/env bash
# One CLI command, one process (issue 17): wall time of the release `modelops` against a registry of 10 000
# generated models, median of N runs (default 21) after one warm-up, for `--version`, `show ID`, `promote ID`
# (a durable write: WAL with synchronous=FULL, so fsync included; each run promotes another development model)
# and `list` (one page, 50 rows). Output goes to /dev/null. Times come from bash's $EPOCHREALTIME around the
# command, so they include fork, exec and the dynamic loader, as a script calling modelops sees them.
#
#   scripts/bench-cli.sh [N] [OLD_BINARY]   OLD_BINARY: another modelops to time the same way, e.g. a build
#                                           from before the split (one binary linking WebKitGTK)
#
# Builds the release CLI and modelops-gen if needed. The registry is generated once into
# target/bench-data/cli-10000/ and copied for each binary, so the writes start from the same state.
set -euo pipefail
cd "$(dirname "$0")/.."
# Headless, as in CI; unset here rather than with `env -u` per command, which would time env's start too.
unset DISPLAY WAYLAND_DISPLAY
n=${1:-21}
old=${2:-}
size=10000
target="${CARGO_TARGET_DIR:-target}"
# MODELOPS_BENCH_BUILT=1: the binaries already in the target folder (e.g. what ships, from scripts/bench-size.sh).
if [ "${MODELOPS_BENCH_BUILT:-}" != 1 ]; then
  cargo build --release --locked -q -p modelops-cli
  cargo build --release --locked -q -p modelops-tools --bin modelops-gen
fi
new="$target/release/modelops"
gen="$target/release/modelops-gen"

cache="$target/bench-data/cli-$size/registry.sqlite3"
if [ ! -f "$cache" ]; then
  mkdir -p "$(dirname "$cache")"
  "$gen" --out "$cache.partial" --models "$size" --seed 17 >/dev/null
  mv "$cache.partial" "$cache"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Median, min and max of the runs, in ms with a decimal; input one duration in µs a line.
stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2;
  printf "median %6.1f ms  (min %.1f, max %.1f, %d runs)", m/1000, a[1]/1000, a[NR]/1000, NR}'; }
us() { local s=${1/./} e=${2/./}; echo $((10#$e - 10#$s)); }

# time_cmd LABEL ARGS...: the command N+1 times, the first one not counted. "{}" in ARGS takes the next id
# from $ids, one per run (for promote).
time_cmd() {
  local label=$1; shift
  local runs=() i args t0 t1
  for i in $(seq 0 "$n"); do
    args=("${@//\{\}/${ids[$i]:-}}")
    t0=$EPOCHREALTIME
    "${args[@]}" >/dev/null
    t1=$EPOCHREALTIME
    [ "$i" = 0 ] || runs+=("$(us "$t0" "$t1")")
  done
  printf '  %-22s %s\n' "$label" "$(printf '%s\n' "${runs[@]}" | stats)"
}

bench() {
  local name=$1 bin=$2 dir="$work/$1"
  mkdir -p "$dir"
  cp "$cache" "$dir/registry.sqlite3"
  local libs gui
  libs=$(ldd "$bin" | wc -l)
  gui=$(ldd "$bin" | grep -Eci 'gtk|gdk|webkit|javascriptcore|glib|gobject|soup|cairo|pango' || true)
  echo "$name: $bin"
  echo "  $(stat -c %s "$bin") bytes; $libs shared libraries, $gui of them GTK/WebKit/GLib/..."
  # The ids come from the registry itself, before any timed run; the promote ids are development models,
  # one per run, so every promote is a real transition and write.
  local show_id
  show_id=$("$bin" --json --data-dir "$dir" list --limit 1 | sed -n 's/^      "id": "\(.*\)",$/\1/p')
  mapfile -t ids < <("$bin" --json --data-dir "$dir" list --status development --limit $((n + 1)) \
    | sed -n 's/^      "id": "\(.*\)",$/\1/p')
  [ "${#ids[@]}" -gt "$n" ] || { echo "only ${#ids[@]} development models for $((n + 1)) promotes" >&2; exit 1; }
  time_cmd "--version" "$bin" --version
  time_cmd "show $show_id" "$bin" --data-dir "$dir" show "$show_id"
  time_cmd "promote ID (fsync)" "$bin" --data-dir "$dir" promote "{}"
  time_cmd "list (one page)" "$bin" --data-dir "$dir" list
}

echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); registry: $size models"
bench new "$new"
[ -z "$old" ] || bench old "$old"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
