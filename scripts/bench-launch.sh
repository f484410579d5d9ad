#!/usr/bin/env bash
# Launch-to-table-painted of the release app, N times (default 5): from just before the WebDriver session
# starts the app to the page's `modelops:table-painted` performance mark. Includes tauri-driver's and
# WebKitWebDriver's start-up, so it overstates a double-click launch slightly. Prints each run and the median.
#
#   scripts/bench-launch.sh [N]     (MODELOPS_E2E_APP picks another binary, e.g. /usr/bin/modelops-app, or
#                                    /usr/bin/modelops to include the CLI's hand-over to it)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
runs=()
for i in $(seq "$n"); do
  ms=$(MODELOPS_E2E_OUT=$(mktemp -d) bash scripts/e2e.sh launch_shows_the_four_demo_models --nocapture 2>/dev/null \
       | grep -Eo 'launch-to-table-painted: [0-9]+' | grep -Eo '[0-9]+$')
  echo "run $i: $ms ms"
  runs+=("$ms")
done
printf '%s\n' "${runs[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median of %d: %d ms (min %d, max %d)\n", NR, m, a[1], a[NR]}'
