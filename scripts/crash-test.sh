#!/usr/bin/env bash
# The big crash-safety run (RELIABILITY.md): kills modelops-crash-writer with SIGKILL at random moments,
# ROUNDS times on one registry file, and checks after every kill that the file is sound, the audit chain
# verifies and no acknowledged action was lost; then 8 concurrent writers with expectations.
#
#   scripts/crash-test.sh [ROUNDS] [SEED]        # defaults: 500 rounds, seed 20261127
#
# CI runs the same tests with 20 rounds (cargo test -p modelops-tools). Prints the figures; exits non-zero
# on any loss.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-500}"
seed="${2:-20261127}"
start=$(date +%s)
echo "crash test: $rounds rounds, seed $seed, on $(uname -srm), $(nproc) cores"
MODELOPS_CRASH_ROUNDS="$rounds" MODELOPS_CRASH_SEED="$seed" \
    cargo test -p modelops-tools --test crash acknowledged_actions_survive_sigkill -- --nocapture 2>&1 \
    | grep -E "^crash-safety:|^round |test result|panicked"
MODELOPS_CONCURRENT_ACTIONS="${CONCURRENT_ACTIONS:-200}" \
    cargo test -p modelops-tools --test crash concurrent_writers_lose_nothing -- --nocapture 2>&1 \
    | grep -E "^concurrent:|test result|panicked"
echo "duration: $(( $(date +%s) - start )) s"
