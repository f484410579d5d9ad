# Sourced by scripts/test.sh and scripts/e2e.sh: the one cargo build that every test runs from.
# - --release: the end-to-end tests and the .deb need a release app, and the Rust tests built in the same run
#   share every compiled dependency with it. Built apart (debug tests, then a release build), CI compiled the
#   workspace twice; this build takes 444 s on two cores where those two took 601 s (BENCHMARKS.md, CI time).
# - --features modelops/custom-protocol: the app serves the bundled ui/dist, as `tauri build` makes it.
# - --workspace: one package set, so the shared dependencies resolve one set of features (another set, e.g.
#   `-p modelops-e2e`, compiles them again).
# Without LTO and with parallel codegen: those only change speed and size, and the build takes minutes less.
# What ships is what scripts/build-release.sh builds on its own, with the profile's LTO and one codegen unit.
# shellcheck disable=SC2034  # used by the scripts that source this
CARGO_TEST_ARGS=(--workspace --release --locked --features modelops/custom-protocol)
export CARGO_PROFILE_RELEASE_LTO=${CARGO_PROFILE_RELEASE_LTO:-off}
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-16}
