#!/usr/bin/env bash
# "List every model from a script" (issue 17): one `modelops list --all --jsonl` process against registries of
# 10 000 and 100 000 generated models, beside the paged way a script had before (one process per 500-row
# page). Wall time of whole processes, median of N runs (default 5), output to /dev/null.
#
#   scripts/bench-list.sh [N]      (MODELOPS_BIN picks another binary; default: target/release/modelops)
#
# Builds the release CLI (src-tauri/cli; see README) and modelops-gen if needed. Registries are generated
# once into target/bench-data/list-N/ and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
target="${CARGO_TARGET_DIR:-target}"
bin="${MODELOPS_BIN:-$target/release/modelops}"
[ -n "${MODELOPS_BIN:-}" ] || [ "${MODELOPS_BENCH_BUILT:-}" = 1 ] || cargo build --release --locked -q -p modelops-cli
# MODELOPS_BENCH_BUILT=1: the CLI and the generator already in the target folder (scripts/bench-size.sh builds them).
[ "${MODELOPS_BENCH_BUILT:-}" = 1 ] || cargo build --release --locked -q -p modelops-tools --bin modelops-gen
gen="$target/release/modelops-gen"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %d ms (min %d, max %d, %d runs)", m, a[1], a[NR], NR}'; }

echo "binary: $bin ($(stat -c %s "$bin") bytes); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for size in 10000 100000; do
  dir="$target/bench-data/list-$size"
  if [ ! -f "$dir/registry.sqlite3" ]; then
    mkdir -p "$dir"
    "$gen" --out "$dir/registry.sqlite3" --models "$size" --seed 4 >/dev/null
  fi
  lines=$("$bin" --data-dir "$dir" list --all --jsonl | wc -l)
  [ "$lines" = "$size" ] || { echo "list --all gave $lines lines, not $size" >&2; exit 1; }
  runs=()
  for _ in $(seq "$n"); do
    t=$(date +%s%N); "$bin" --data-dir "$dir" list --all --jsonl >/dev/null; runs+=("$(ms "$t")")
  done
  echo "list --all --jsonl, $size models: $(printf '%s\n' "${runs[@]}" | median)"
  runs=()
  for _ in $(seq "$n"); do
    t=$(date +%s%N)
    for offset in $(seq 0 500 $((size - 1))); do
      "$bin" --json --data-dir "$dir" list --limit 500 --offset "$offset" >/dev/null
    done
    runs+=("$(ms "$t")")
  done
  echo "paged, $((size / 500)) processes of 500 rows, $size models: $(printf '%s\n' "${runs[@]}" | median)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
