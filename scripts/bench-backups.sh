#!/usr/bin/env bash
# Backups and restores of a large registry (issue 17): the zstd-compressed, streamed backups of this build
# beside the plain copies builds before it wrote, on one generated registry of N models (default 100 000).
# Prints the registry's size; for each kind of backup its size, ten of them, its time and its peak memory
# (/usr/bin/time's maximum RSS: a streamed backup stays flat whatever the registry's size); then the time of a
# restore from each kind, with where a restore's time goes, and the two SQLite checks a restore may run.
#
#   scripts/bench-backups.sh [N]        RUNS=3 by default: each timed step runs that many times
#
# Builds the release example src-tauri/core/examples/backup_bench.rs (the core crates only, not the app). The
# registry is generated once into target/bench-data/backups-N/ (100 000 models: ~1 min, 655 MB) and reused;
# the run needs about 5 times its size free on that disk. Run it on an idle machine: the figures are wall times.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${RUNS:-3}
target="${CARGO_TARGET_DIR:-target}"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time) for the peak memory" >&2; exit 1; }

cargo build --release --locked -q -p modelops-core --example backup_bench
bench="$target/release/examples/backup_bench"
dir="$target/bench-data/backups-$n"
if [ ! -f "$dir/registry.sqlite3" ]; then
  rm -rf "$dir"
  echo "generating $n models into $dir ..."
  "$bench" gen "$dir" "$n" >/dev/null
fi
backups="$dir/backups"
rm -rf "$backups"
measured=$(mktemp)
stdout=$(mktemp)
trap 'rm -f "$measured" "$stdout"' EXIT

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
gb() { awk -v b="$1" 'BEGIN { printf "%.2f GB", b / 1e9 }'; }
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
# Runs the step under /usr/bin/time; sets $line (its output) and $rss_mb (the process's peak RSS). The
# previous step's writes are flushed first, so that their writeback is not timed as part of this one (a zstd
# restore right after three plain ones unpacked in 2.2 s instead of 0.7).
step() {
  sync
  /usr/bin/time -f "%M" -o "$measured" "$bench" "$@" >"$stdout"
  line=$(cat "$stdout")
  rss_mb=$(awk '{ printf "%.0f", $1 / 1024 }' "$measured")
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
registry_bytes=$(stat -c %s "$dir/registry.sqlite3")
echo "registry: $n models, $(mb "$registry_bytes") ($dir/registry.sqlite3)"
echo

for kind in backup plain-backup; do
  times=(); rss=()
  for _ in $(seq "$runs"); do
    step "$kind" "$dir"
    times+=("$(echo "$line" | field seconds) s"); rss+=("$rss_mb MB")
    file=$(echo "$line" | field path)
    bytes=$(echo "$line" | field bytes)
    # Keep one of each kind for the restores below.
    keep_var="kept_${kind//-/_}"
    if [ -z "${!keep_var:-}" ]; then printf -v "$keep_var" '%s' "$file"; else rm -f "$file"; fi
  done
  if [ "$kind" = backup ]; then label="zstd, streamed (this build)"; else label="plain copy (before issue 17)"; fi
  echo "$label:"
  echo "  one backup: $(mb "$bytes"); ten: $(gb $((bytes * 10)))"
  echo "  time: ${times[*]}"
  echo "  peak RSS of the backup process: ${rss[*]}"
done
echo

for kind in plain-backup backup; do
  keep_var="kept_${kind//-/_}"
  file=${!keep_var}
  times=()
  for i in $(seq "$runs"); do
    # Where the time goes (phase starts, on stderr) is shown for the first run only.
    if [ "$i" = 1 ]; then
      echo "restore from $(basename "$file"), where the time goes:"
      step restore "$dir" "$file" 2> >(sed 's/^/  /')
      sleep 0.1
    else
      step restore "$dir" "$file" 2>/dev/null
    fi
    times+=("$(echo "$line" | field seconds) s")
    rm -f "$(echo "$line" | field safety)"
    sleep 0.2
  done
  if [ "$kind" = backup ]; then label="restore from the zstd backup"; else label="restore from a plain backup"; fi
  echo "$label: ${times[*]} (peak RSS $rss_mb MB)"
done
echo

line=$("$bench" check "$kept_plain_backup")
echo "SQLite's checks of the plain file: quick_check $(echo "$line" | field quick_check_seconds) s, integrity_check $(echo "$line" | field integrity_check_seconds) s"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$backups"
