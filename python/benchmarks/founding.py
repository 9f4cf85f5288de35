"""The founding benchmark: the same circuits run from Python and natively in Rust.

A Python binding that called into Rust gate by gate, holding the GIL, once ran a
20-qubit GHZ circuit 20x slower than native and used 2 of 8 cores. ferroq hands the
whole circuit to Rust in one call with the GIL released, so from Python it should run
at native speed on every core. This script measures exactly that, in one run:

- the 20-qubit GHZ, QFT and random layered circuits (and any --qubits you pass),
  timed through ``ferroq.Simulator.run`` and through the native example
  ``crates/ferroq/examples/native_timing.rs`` (built with ``cargo --release``);
- the ratio Python / native of the median run time (target: <= 1.05 for n >= 16),
  native and Python timed alternately for ``--rounds`` rounds, each side's best median
  kept (so load drifting on a shared machine favours neither side);
- CPU utilisation of both (CPU seconds / wall seconds / cores);
- the per-call overhead of a tiny circuit (target: < 20 us).

Usage (from the repository root, after ``pip install ./python``)::

    python python/benchmarks/founding.py [--qubits 16 20] [--reps 10] [--threads N]

It prints a table and, with ``--json FILE``, writes the numbers. It is a benchmark,
not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import ferroq

ROOT = Path(__file__).resolve().parents[2]
MASK = (1 << 64) - 1


class SplitMix:
    """SplitMix64, spelled exactly as in native_timing.rs, so both sides build the
    same random circuit."""

    def __init__(self, seed: int) -> None:
        self.x = seed & MASK

    def next_u64(self) -> int:
        self.x = (self.x + 0x9E3779B97F4A7C15) & MASK
        z = self.x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def next_f64(self) -> float:
        return (self.next_u64() >> 11) / float(1 << 53)


def build(kind: str, n: int, layers: int, seed: int) -> ferroq.Circuit:
    c = ferroq.Circuit(n)
    if kind == "ghz":
        c.h(0)
        for q in range(1, n):
            c.cx(q - 1, q)
    elif kind == "qft":
        for t in reversed(range(n)):
            c.h(t)
            for k in reversed(range(t)):
                c.cp(math.pi / (1 << (t - k)), k, t)
        for q in range(n // 2):
            c.swap(q, n - 1 - q)
    elif kind == "random":
        rng = SplitMix(seed)
        for layer in range(layers):
            for q in range(n):
                which = rng.next_u64() % 3
                angle = rng.next_f64() * 2 * math.pi
                (c.rx, c.ry, c.rz)[which](angle, q)
            for q in range(layer % 2, n - 1, 2):
                c.cz(q, q + 1)
    else:
        raise ValueError(kind)
    return c


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def time_python(sim: ferroq.Simulator, c: ferroq.Circuit, reps: int) -> dict[str, float]:
    sim.run(c)  # warm-up, as on the native side
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        sim.run(c)
        times.append(time.perf_counter() - t)
    wall = time.perf_counter() - wall0
    return {"median_s": statistics.median(times), "wall_s": wall, "cpu_s": cpu_seconds() - cpu0}


def tiny_python(sim: ferroq.Simulator, calls: int) -> float:
    c = ferroq.Circuit(1).h(0)
    run = sim.run
    for _ in range(calls // 10 + 1):
        run(c)
    t = time.perf_counter()
    for _ in range(calls):
        run(c)
    return (time.perf_counter() - t) / calls


def native(args: argparse.Namespace, kind: str, n: int, tiny_calls: int = 0) -> dict:
    cmd = [
        "cargo", "run", "--release", "--quiet", "-p", "ferroq", "--example", "native_timing", "--",
        "--circuit", kind, "--qubits", str(n), "--layers", str(args.layers), "--seed", str(args.seed),
        "--reps", str(args.reps), "--precision", args.precision, "--tiny-calls", str(tiny_calls),
    ]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qubits", type=int, nargs="+", default=[16, 20])
    ap.add_argument("--circuits", nargs="+", default=["ghz", "qft", "random"])
    ap.add_argument("--layers", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3, help="alternations of native and Python timing")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--precision", default="double")
    ap.add_argument("--tiny-calls", type=int, default=20000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    print("building the native example (cargo --release) ...", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "ferroq", "--example", "native_timing"],
                   cwd=ROOT, check=True)
    sim = ferroq.Simulator("cpu", precision=args.precision, threads=args.threads or None)
    cores = sim.threads or os.cpu_count() or 1
    print(f"ferroq {ferroq.__version__}, {sim!r}, {os.cpu_count()} CPUs visible, Python {sys.version.split()[0]}")
    rows = []
    header = f"{'circuit':<8}{'n':>4}{'gates':>7}{'python ms':>11}{'native ms':>11}{'ratio':>8}{'py CPU%':>9}{'rs CPU%':>9}"
    print(header)
    print("-" * len(header))
    for n in args.qubits:
        for kind in args.circuits:
            c = build(kind, n, args.layers, args.seed)
            # Interleave native and Python runs for --rounds rounds and keep each side's
            # best median, so load drifting on a shared machine favours neither side.
            nats, pys = [], []
            for _ in range(args.rounds):
                nats.append(native(args, kind, n))
                pys.append(time_python(sim, c, args.reps))
            nat = min(nats, key=lambda r: r["median_s"])
            py = min(pys, key=lambda r: r["median_s"])
            assert nat["gates"] == len(c), "Python and Rust built different circuits"
            ratio = py["median_s"] / nat["median_s"]
            py_util = py["cpu_s"] / py["wall_s"] / cores
            rs_util = (nat["cpu_s"] or float("nan")) / nat["wall_s"] / cores
            rows.append({"circuit": kind, "qubits": n, "gates": len(c), "python_median_s": py["median_s"],
                         "native_median_s": nat["median_s"], "ratio": ratio, "python_cpu_util": py_util,
                         "native_cpu_util": rs_util, "cores": cores})
            print(f"{kind:<8}{n:>4}{len(c):>7}{py['median_s'] * 1e3:>11.2f}{nat['median_s'] * 1e3:>11.2f}"
                  f"{ratio:>8.3f}{py_util * 100:>8.0f}%{rs_util * 100:>8.0f}%")
    tiny_nat = min(native(args, "ghz", 1, tiny_calls=args.tiny_calls)["tiny_call_s"] for _ in range(args.rounds))
    tiny_py = min(tiny_python(sim, args.tiny_calls) for _ in range(args.rounds))
    print(f"\ntiny circuit (1 qubit, H), per call: Python {tiny_py * 1e6:.2f} us, native {tiny_nat * 1e6:.2f} us,"
          f" overhead {(tiny_py - tiny_nat) * 1e6:.2f} us")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "tiny_python_s": tiny_py, "tiny_native_s": tiny_nat}, indent=2))


if __name__ == "__main__":
    main()
