"""The PennyLane device ``ferroq.qubit`` against ``lightning.qubit``, through QNodes,
same machine, same run (issue 14's two benchmarks):

1. SEL gradient: ``qml.grad`` of <Z_0> after ``StronglyEntanglingLayers`` (n qubits,
   L layers, 3nL parameters), ``diff_method="adjoint"`` on both devices.
2. VQE loop: S steps of ``qml.GradientDescentOptimizer`` on a hardware-efficient ansatz
   (``RY``/``RZ`` on every wire, a CNOT ring, L layers) and a Heisenberg-type Hamiltonian
   (sum of X X + Y Y + Z Z on neighbours, plus 0.5 sum Z; 4n - 3 Pauli terms for n
   qubits), ``diff_method="adjoint"``, end to end (QNode construction excluded).

Both devices compute in complex128 on the CPU; the values (and the final VQE energy) are
checked to agree. One warm-up call precedes each timing; the best of ``--repeats`` is
reported for (1), one timed loop for (2), with the loop's CPU time (``process_time``,
less moved than wall time by other work on a shared machine; with several threads it
sums them); ``--only sel|vqe`` runs one of the two. ``--threads k`` gives both simulators k
threads (ferroq's ``threads=``, lightning's ``OMP_NUM_THREADS``): on a machine shared
with other work, one thread each is the comparison least decided by the load.

    OPENBLAS_NUM_THREADS=1 python python/benchmarks/pennylane_device.py \\
        --sel-qubits 20 --sel-layers 4 --vqe-qubits 16 --vqe-steps 100 --json out.json

A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from typing import Any, Callable

import numpy as np
import pennylane as qml
from pennylane import numpy as pnp

import ferroq


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    flags = line
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    simd = [f for f in ("avx2", "fma", "avx512f") if f" {f}" in flags]
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "simd": simd,
        "memory": mem,
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "python": sys.version.split()[0],
        "pennylane": qml.__version__,
        "pennylane_lightning": _lightning_version(),
        "ferroq": ferroq.__version__,
        "commit": _commit(),
    }


def _commit() -> str | None:
    import subprocess

    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=os.path.dirname(os.path.abspath(__file__)),
        )
        return out.stdout.strip() or None
    except OSError:
        return None


def _lightning_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pennylane_lightning")
    except PackageNotFoundError:
        return None


THREADS: int | None = None  # --threads: ferroq's worker threads (lightning: OMP_NUM_THREADS)


def device(name: str, n: int) -> Any:
    if name == "ferroq.qubit":
        return qml.device(name, wires=n, backend="cpu", precision="double", threads=THREADS)
    return qml.device(name, wires=n)


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    out = fn()  # warm-up (compiles, caches)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def sel_gradient(dev_name: str, n: int, layers: int, repeats: int) -> tuple[float, np.ndarray]:
    dev = device(dev_name, n)

    @qml.qnode(dev, diff_method="adjoint")
    def f(w):
        qml.StronglyEntanglingLayers(w, wires=range(n))
        return qml.expval(qml.Z(0))

    shape = qml.StronglyEntanglingLayers.shape(n_layers=layers, n_wires=n)
    w = pnp.array(np.random.default_rng(1).uniform(0, 2 * np.pi, size=shape), requires_grad=True)
    grad = qml.grad(f)
    return timed(lambda: np.asarray(grad(w)), repeats)


def hamiltonian(n: int) -> Any:
    coeffs, ops = [], []
    for q in range(n - 1):
        for P in (qml.X, qml.Y, qml.Z):
            coeffs.append(1.0)
            ops.append(P(q) @ P(q + 1))
    for q in range(n):
        coeffs.append(0.5)
        ops.append(qml.Z(q))
    return qml.Hamiltonian(coeffs, ops)


def vqe(dev_name: str, n: int, layers: int, steps: int) -> tuple[float, float, float]:
    dev = device(dev_name, n)
    H = hamiltonian(n)

    @qml.qnode(dev, diff_method="adjoint")
    def energy(p):
        for layer in range(layers):
            for q in range(n):
                qml.RY(p[layer, q, 0], wires=q)
                qml.RZ(p[layer, q, 1], wires=q)
            for q in range(n):
                qml.CNOT(wires=[q, (q + 1) % n])
        return qml.expval(H)

    p0 = pnp.array(
        np.random.default_rng(2).uniform(0, 0.5, size=(layers, n, 2)), requires_grad=True
    )
    opt = qml.GradientDescentOptimizer(stepsize=0.05)
    energy(p0)  # warm-up
    t, cpu = time.perf_counter(), time.process_time()
    p = p0
    for _ in range(steps):
        p = opt.step(energy, p)
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    return elapsed, cpu, float(energy(p))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sel-qubits", type=int, default=20)
    ap.add_argument("--sel-layers", type=int, default=4)
    ap.add_argument("--vqe-qubits", type=int, default=16)
    ap.add_argument("--vqe-layers", type=int, default=2)
    ap.add_argument("--vqe-steps", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=str, default=None)
    ap.add_argument(
        "--only", choices=("sel", "vqe"), default=None, help="run one of the two benchmarks"
    )
    ap.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads of both simulators (ferroq's threads=, lightning's OMP_NUM_THREADS); "
        "default: each its own (all cores)",
    )
    args = ap.parse_args()
    global THREADS
    if args.threads is not None:
        # lightning's OpenMP runtime reads it when its first parallel region starts,
        # after this (lightning is loaded when its first device is made)
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
        THREADS = args.threads

    info = {
        "machine": machine(),
        "command": " ".join(sys.argv),
        "threads": args.threads,
        "results": {},
    }
    print(json.dumps(info["machine"]))
    devices = ["ferroq.qubit", "lightning.qubit"]

    if args.only != "vqe":
        info["results"]["sel_gradient"] = run_sel(args, devices)
    if args.only != "sel":
        info["results"]["vqe"] = run_vqe(args, devices)
    info["load_average_after"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if args.json:
        with open(args.json, "w") as f:
            json.dump(info, f, indent=2)
    return 0


def run_sel(args: argparse.Namespace, devices: list[str]) -> dict[str, Any]:
    """Benchmark (1) on every device: times, gradient agreement, ratio."""
    sel: dict[str, Any] = {}
    grads = {}
    for d in devices:
        t, g = sel_gradient(d, args.sel_qubits, args.sel_layers, args.repeats)
        sel[d] = t
        grads[d] = g
        print(
            f"SEL n={args.sel_qubits} L={args.sel_layers} qml.grad adjoint  {d:16s} {t * 1e3:10.1f} ms"
        )
    err = float(np.max(np.abs(grads[devices[0]] - grads[devices[1]])))
    sel["max_abs_diff"] = err
    sel["ratio_ferroq_over_lightning"] = sel[devices[0]] / sel[devices[1]]
    print(
        f"  ferroq / lightning = {sel['ratio_ferroq_over_lightning']:.3f}   max |dgrad| = {err:.2e}"
    )
    return sel


def run_vqe(args: argparse.Namespace, devices: list[str]) -> dict[str, Any]:
    """Benchmark (2) on every device: wall and CPU times, energy agreement, ratio."""
    v: dict[str, Any] = {}
    energies = {}
    for d in devices:
        t, cpu, e = vqe(d, args.vqe_qubits, args.vqe_layers, args.vqe_steps)
        v[d] = t
        v[f"{d} cpu"] = cpu
        energies[d] = e
        print(
            f"VQE n={args.vqe_qubits} L={args.vqe_layers} {args.vqe_steps} steps  {d:16s} {t:10.2f} s"
            f"  (CPU {cpu:.2f} s)  E={e:.10f}"
        )
    v["energy_diff"] = abs(energies[devices[0]] - energies[devices[1]])
    v["ratio_ferroq_over_lightning"] = v[devices[0]] / v[devices[1]]
    print(
        f"  ferroq / lightning = {v['ratio_ferroq_over_lightning']:.3f}   |dE| = {v['energy_diff']:.2e}"
    )
    return v


if __name__ == "__main__":
    sys.exit(main())
