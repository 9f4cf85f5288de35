"""Adjoint gradients from Python: ferroq against PennyLane Lightning (``diff_method=
"adjoint"``) and Qulacs (``backprop``), same machine, same run.

Circuit: a hardware-efficient ansatz, L layers of ``ry``, ``rz`` on every qubit then a
CNOT chain (P = 2nL parameters); observable H = sum Z_q Z_{q+1} + 0.5 sum X_q (about 2n
Pauli terms). Each simulator computes <H> and dH/dtheta for one parameter set; values
are checked to agree to 1e-8 (double precision everywhere). Also the ratio of ferroq's
gradient to one forward run + expectation of the same circuit.

    python python/benchmarks/gradient.py --qubits 12 16 --layers 10 [--json FILE]

A benchmark, not a test. Peers that are not installed are skipped.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402

import ferroq  # noqa: E402


def best(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    out = fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def terms(n: int) -> list[tuple[float, list[tuple[str, int]]]]:
    return [(1.0, [("Z", q), ("Z", q + 1)]) for q in range(n - 1)] + [
        (0.5, [("X", q)]) for q in range(n)
    ]


def names(n: int, layers: int) -> list[str]:
    # zero-padded so that sorted order (ferroq's parameter order) is circuit order
    return [f"t{k:05d}" for k in range(2 * n * layers)]


def ferroq_grad(n: int, layers: int, theta: np.ndarray, repeats: int) -> dict[str, Any]:
    c = ferroq.Circuit(n)
    k = 0
    ps = names(n, layers)
    for _ in range(layers):
        for q in range(n):
            c.ry(ps[k], q)
            c.rz(ps[k + 1], q)
            k += 2
        for q in range(n - 1):
            c.cx(q, q + 1)
    h = ferroq.Observable.from_terms(terms(n))
    sim = ferroq.Simulator("cpu", "double")
    params = dict(zip(ps, theta))
    t_grad, (vals, jac) = best(lambda: sim.gradient(c, [h], params), repeats)
    t_fwd, _ = best(lambda: sim.expectation(c, h, params), repeats)
    return {"seconds": t_grad, "forward_seconds": t_fwd, "value": float(vals[0]),
            "grad": np.asarray(jac[0])}


def lightning_grad(n: int, layers: int, theta: np.ndarray, repeats: int) -> dict[str, Any]:
    import pennylane as qml
    from pennylane import numpy as pnp

    dev = qml.device("lightning.qubit", wires=n)
    # PennyLane wires are big-endian in bitstrings, but the observable is symmetric
    # under the relabelling q -> n-1-q only up to the circuit; use the same wire labels
    # as ferroq's qubits (wire q = qubit q), which makes the expectation identical.
    coeffs, ops = [], []
    for coef, fac in terms(n):
        o = None
        for p, q in fac:
            f = {"Z": qml.PauliZ, "X": qml.PauliX}[p](q)
            o = f if o is None else o @ f
        coeffs.append(coef)
        ops.append(o)
    ham = qml.Hamiltonian(coeffs, ops)

    @qml.qnode(dev, diff_method="adjoint")
    def energy(t: Any) -> Any:
        k = 0
        for _ in range(layers):
            for q in range(n):
                qml.RY(t[k], wires=q)
                qml.RZ(t[k + 1], wires=q)
                k += 2
            for q in range(n - 1):
                qml.CNOT(wires=[q, q + 1])
        return qml.expval(ham)

    x = pnp.array(theta, requires_grad=True)
    grad_fn = qml.grad(energy)
    t, g = best(lambda: grad_fn(x), repeats)
    return {"seconds": t, "value": float(energy(x)), "grad": np.asarray(g)}


def qulacs_grad(n: int, layers: int, theta: np.ndarray, repeats: int) -> dict[str, Any]:
    import qulacs

    c = qulacs.ParametricQuantumCircuit(n)
    for _ in range(layers):
        for q in range(n):
            # qulacs' rotations are exp(+i theta P / 2): pass -theta, flip the gradient
            c.add_parametric_RY_gate(q, 0.0)
            c.add_parametric_RZ_gate(q, 0.0)
        for q in range(n - 1):
            c.add_CNOT_gate(q, q + 1)
    for j, v in enumerate(theta):
        c.set_parameter(j, -v)
    obs = qulacs.Observable(n)
    for coef, fac in terms(n):
        obs.add_operator(coef, " ".join(f"{p} {q}" for p, q in fac))
    t, g = best(lambda: c.backprop(obs), repeats)
    state = qulacs.QuantumState(n)
    c.update_quantum_state(state)
    return {"seconds": t, "value": obs.get_expectation_value(state), "grad": -np.asarray(g)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--qubits", type=int, nargs="+", default=[12, 16])
    ap.add_argument("--layers", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = []
    print(json.dumps(peers.machine()))
    for n in args.qubits:
        theta = np.random.default_rng(n).uniform(0, 2 * np.pi, 2 * n * args.layers)
        ref = ferroq_grad(n, args.layers, theta, args.repeats)
        row: dict[str, Any] = {
            "qubits": n,
            "params": len(theta),
            "ferroq_s": ref["seconds"],
            "ferroq_forward_s": ref["forward_seconds"],
            "gradient_over_forward": ref["seconds"] / ref["forward_seconds"],
        }
        for name, fn in (("lightning", lightning_grad), ("qulacs", qulacs_grad)):
            try:
                r = fn(n, args.layers, theta, args.repeats)
            except ImportError:
                continue
            assert abs(r["value"] - ref["value"]) < 1e-8, (name, r["value"], ref["value"])
            err = float(np.max(np.abs(r["grad"] - ref["grad"])))
            assert err < 1e-8, (name, err)
            row[f"{name}_s"] = r["seconds"]
            row[f"ferroq_over_{name}"] = ref["seconds"] / r["seconds"]
        rows.append(row)
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}))
    if args.json:
        args.json.write_text(json.dumps({"machine": peers.machine(), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
