#!/usr/bin/env bash
# Runs every check and test of ModelOps; what CI runs (.ci/run calls this). Installs what it needs first.
# Ends with one line "tests: N passed, M failed" summing the Rust and UI test counts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PATH"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "rustfmt"
cargo fmt --all -- --check

step "clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (core, IPC through the mock runtime; also regenerates ui/src/bindings)"
cargo test --workspace --locked 2>&1 | tee "$out/cargo.log"

step "TypeScript bindings are up to date"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --short -- ui/src/bindings
  echo "ui/src/bindings differs from what the Rust types generate: commit the regenerated files." >&2
  exit 1
fi

step "UI: typecheck, lint, unit tests, production build"
(cd ui && npm run --silent typecheck && npm run --silent lint && npx vitest run 2>&1 | tee "$out/vitest.log" && npm run --silent build)

rust_passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$out/cargo.log" | awk '{s+=$4} END {print s+0}')
ui_passed=$(sed 's/\x1b\[[0-9;]*m//g' "$out/vitest.log" | grep -E '^ +Tests +[0-9]+ passed' | grep -Eo '[0-9]+ passed' | awk '{print $1}')
echo
echo "Rust: ${rust_passed} passed; UI: ${ui_passed:-0} passed"
echo "tests: $((rust_passed + ${ui_passed:-0})) passed, 0 failed"
