#!/usr/bin/env bash
# Registry core benchmarks (issue 4): runs the criterion suite src-tauri/core/benches/registry.rs and prints a
# Markdown table (item, N, core median, floor median, core/floor) from target/criterion/**/new/estimates.json.
#
#   scripts/bench-core.sh                 # full suite: 1 000, 10 000, 100 000 models (about 10 minutes)
#   scripts/bench-core.sh --table         # only print the table of the last run
#   MODELOPS_BENCH_SIZES=1000 scripts/bench-core.sh          # fewer sizes
#   scripts/bench-core.sh page_sorted     # extra arguments go to criterion (a filter)
#
# Registries are generated once into target/bench-data/registry-N.sqlite3 (100 000 models: ~25 s, ~340 MB)
# and reused. A full run (no arguments) clears target/criterion first so the table holds only this run.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"

echo "## Machine"
echo "- cores: $(nproc)"
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), $(uname -r)"
echo "- rustc: $(rustc --version)"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"
echo

if [ "${1:-}" != "--table" ]; then
    if [ $# -eq 0 ] && [ -z "${MODELOPS_BENCH_SIZES:-}" ]; then
        rm -rf "$target/criterion"
    fi
    start=$(date +%s)
    cargo bench -p modelops-core --bench registry -- "$@" >&2
    echo "Suite ran in $(( $(date +%s) - start )) s (build, generation and benchmarks);" \
        "load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
fi

python3 - "$target/criterion" <<'PY'
import json, pathlib, sys

root = pathlib.Path(sys.argv[1])
KEYS = ["Name", "Version", "Status", "Accuracy", "Latency", "Throughput", "Uptime", "Framework", "Size",
        "AiConfidence", "ErrorRate", "DeployedAt", "LastTestedAt"]
FAMILIES = ["page_sorted", "page_filtered", "summary", "export_csv", "run_tests", "promote", "rollback"]
LABELS = {
    "page_filtered": "filtered page (production, PyTorch, \"fraud\") by accuracy",
    "summary": "summary counts",
    "export_csv": "CSV export, all rows",
    "run_tests": "run tests (durable write)",
    "promote": "promote (durable write)",
    "rollback": "rollback (durable write)",
}

res = {}  # (family, n, value) -> {function: median ns}
for bj in root.glob("**/new/benchmark.json"):
    b = json.loads(bj.read_text())
    est = json.loads((bj.parent / "estimates.json").read_text())
    group = b["group_id"]
    if "/" not in group or not group.startswith("n"):
        continue
    n_part, family = group.split("/", 1)
    n = int(n_part[1:])
    res.setdefault((family, n, b.get("value_str") or ""), {})[b["function_id"]] = est["median"]["point_estimate"]

def fmt(ns):
    if ns is None:
        return "—"
    if ns >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e3:.0f} µs"

def item(family, value):
    if family == "page_sorted":
        key, off = value.split("@")
        return f"page of 100 by {key}, offset {int(off)}"
    if family == "page_filtered":
        return f"{LABELS[family]}, offset {value.split('@')[1]}"
    return LABELS.get(family, family)

def order(k):
    family, n, value = k
    fam = FAMILIES.index(family) if family in FAMILIES else 99
    if family == "page_sorted":
        key, off = value.split("@")
        return (fam, KEYS.index(key) if key in KEYS else 99, int(off) > 0, n)
    if "@" in value:
        return (fam, 0, int(value.split("@")[1]), n)
    return (fam, 0, 0, n)

if not res:
    sys.exit(f"no criterion results under {root}")

print("| item | N | core median | floor median | core/floor |")
print("|---|---:|---:|---:|---:|")
extra = []
for k in sorted(res, key=order):
    family, n, value = k
    f = res[k]
    core, floor = f.get("core"), f.get("floor")
    ratio = f"{core / floor:.2f}" if core and floor else "—"
    if core is not None or floor is not None:
        print(f"| {item(family, value)} | {n} | {fmt(core)} | {fmt(floor)} | {ratio} |")
    for fn, v in f.items():
        if fn not in ("core", "floor"):
            extra.append((k, fn, v, core))

if extra:
    print()
    print("Other variants, beside the same item's core:")
    print()
    print("| item | variant | N | median | core/variant |")
    print("|---|---|---:|---:|---:|")
    for k, fn, v, core in extra:
        family, n, value = k
        ratio = f"{core / v:.2f}" if core else "—"
        print(f"| {item(family, value)} | {fn} | {n} | {fmt(v)} | {ratio} |")

# Medians of the sorted pages per N: the worst key is what the 20 ms target is about.
print()
for n in sorted({k[1] for k in res if k[0] == "page_sorted"}):
    pages = [(v.get("core"), k[2]) for k, v in res.items() if k[0] == "page_sorted" and k[1] == n and v.get("core")]
    if pages:
        worst = max(pages)
        print(f"- N={n}: slowest sorted page (core) {fmt(worst[0])} ({worst[1]}); "
              f"median over keys and offsets {fmt(sorted(p for p, _ in pages)[len(pages) // 2])}")
PY
