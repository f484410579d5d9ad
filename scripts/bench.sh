#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one run: the registry core against its bare-SQLite floor (criterion,
# N = 1 000 / 10 000 / 100 000) and the app over the real window (launch, scrolling, memory). Run it on an
# otherwise idle machine; figures go to stdout, test-output/bench/ and target/criterion/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
echo "== machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "== registry core (criterion)"
bash scripts/bench-core.sh
echo "== app over the real window"
bash scripts/bench-app.sh
echo "== backups and restores at 100 000 models"
bash scripts/bench-backups.sh
