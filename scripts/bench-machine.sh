#!/usr/bin/env bash
# How fast this machine is right now, on work that none of our code does: a yardstick to print beside
# wall-time figures. This machine is a VM whose speed changes by the hour (BENCHMARKS.md, "CI time" and
# "Issue 17: the whole table"): on 2026-12-05's slow hour the same binaries took 2-3x as long as on a fast
# one. Which of these readings moves with that is still to be seen: there is no fast-hour reading yet. A
# figure is only comparable with another taken at a similar yardstick.
#
#   scripts/bench-machine.sh        one line: page fault, process start, memory copy, SHA-256, SQLite
set -euo pipefail
python3 - <<'PY'
import ctypes, hashlib, mmap, sqlite3, subprocess, time

def best(f, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    return min(out)

# A fresh anonymous page: the fault, the kernel zeroing it, and (in a VM) whatever the host does first.
size = 256 << 20
def touch():
    m = mmap.mmap(-1, size)
    ctypes.memset(ctypes.addressof(ctypes.c_char.from_buffer(m)), 1, size)
    m.close()
fault_us = best(touch, 5) / (size // 4096) * 1e6

def spawn():
    subprocess.run(["/bin/true"], check=True)
spawns = sorted(best(spawn, 1) for _ in range(101))
spawn_ms = spawns[50] * 1e3

src, dst = bytearray(size), bytearray(size)
def copy():
    dst[:] = src
copy_gibs = (size / (1 << 30)) / best(copy, 5)

buf = bytes(64 << 20)
sha_ms = best(lambda: hashlib.sha256(buf).digest(), 5) * 1e3

# Work shaped like the registry's (B-tree pages, small allocations, pointer chasing), in Python's own SQLite:
# on 2026-12-05's slow hour list --all ran 2-3x slower than on the fast one while SHA-256 and the copy above
# ran at full speed, so those alone do not tell a slow hour.
def sql():
    c = sqlite3.connect(":memory:")
    c.execute("create table t (a integer, b text)")
    c.executemany("insert into t values (?, ?)", ((i * 7919 % 100003, f"name-{i}") for i in range(200_000)))
    c.execute("select b from t order by a").fetchall()
    c.close()
sql_ms = best(sql, 3) * 1e3

print(f"machine: page fault {fault_us:.2f} µs (fresh 4 KiB page, best of 5 × 256 MiB); "
      f"/bin/true {spawn_ms:.2f} ms (median of 101); memory copy {copy_gibs:.1f} GiB/s; "
      f"SHA-256 of 64 MiB {sha_ms:.0f} ms; SQLite 200 000 rows inserted and sorted {sql_ms:.0f} ms")
PY
