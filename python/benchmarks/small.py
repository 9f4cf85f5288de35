"""Small circuits and parameter sweeps from Python: ferroq against its peers.

Two measurements, both from Python, on this machine, in one run:

1. **One small circuit**: a 10-qubit, 100-gate random circuit (the first 100 gates of
   ``peers.py``'s random layered family) run from |0...0> to a numpy state vector,
   median of many calls. ferroq is timed through ``Simulator.run`` (state stays in
   Rust) and ``Simulator.statevector`` (copied out); the peers through their own API
   from a prepared circuit object.
2. **A sweep**: 10,000 parameter sets of a 10-qubit hardware-efficient ansatz (per
   layer ``ry(a)``, ``rz(b)`` on every qubit, then CZ on alternating neighbours;
   ``ferroq-bench``'s ``sweep`` family), one expectation value of
   ``H = sum Z_q Z_{q+1} + 0.5 sum X_q`` per set. ferroq: one ``run_batch`` call.
   Peers: the loop a user writes with their Python API (bind, run, expectation). Slow
   peers run ``--peer-sets`` sets and their time is scaled to 10,000 (the loop's cost
   per set is constant); every peer's first values are checked against ferroq's.
   ferroq and Qulacs (the fastest loop) each run the whole sweep ``--sweep-repeats``
   times, alternating, and keep their best time: on a shared machine whose speed
   drifts, best-of-N favours neither side.

Usage (after ``pip install ./python`` and the peers)::

    python python/benchmarks/small.py [--sets 10000] [--layers 4] [--json FILE]

A benchmark, not a test: nothing is asserted beyond the peers agreeing.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402  (same circuits as the other benchmarks)

import ferroq  # noqa: E402


def median_time(fn: Callable[[], Any], min_total_s: float = 0.5, min_reps: int = 20) -> float:
    """Median seconds of ``fn()`` over enough calls to fill ``min_total_s``."""
    fn()
    samples: list[float] = []
    start = time.perf_counter()
    while len(samples) < min_reps or time.perf_counter() - start < min_total_s:
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
        if len(samples) >= 100_000:
            break
    return statistics.median(samples)


# --- 1. one small circuit ------------------------------------------------------------


def small_circuit(n: int, gates: int, seed: int) -> list[peers.Gate]:
    layers = 1
    while True:
        g = peers.build("random", n, layers, seed)
        if len(g) >= gates:
            return g[:gates]
        layers += 1


def small_circuit_times(n: int, gates: int, seed: int, threads: int) -> dict[str, float]:
    g = small_circuit(n, gates, seed)
    out: dict[str, float] = {}
    circuit = ferroq.Circuit(n)
    for name, params, qubits in g:
        getattr(circuit, name)(*params, *qubits)
    sim = ferroq.Simulator("cpu", "double", threads=threads)
    out["ferroq run (state stays in Rust)"] = median_time(lambda: sim.run(circuit))
    out["ferroq statevector (numpy copy)"] = median_time(lambda: sim.statevector(circuit))
    finders = [peers.qulacs_sims, peers.qsim_sims, peers.aer_sims, peers.lightning_sims]
    for make in finders:
        try:
            sims = make(threads, ["double", "single"])
        except ImportError:
            continue
        for s in sims:
            obj = s.prepare(g, n)
            out[f"{s.name} {s.precision}"] = median_time(lambda s=s, obj=obj: s.run(obj))
    return out


# --- 2. the sweep ----------------------------------------------------------------------


def ansatz_params(n: int, layers: int) -> list[tuple[str, str, int]]:
    """(kind, name, qubit) of every rotation, in circuit order."""
    out = []
    for layer in range(layers):
        for q in range(n):
            out.append(("ry", f"a{layer}_{q}", q))
            out.append(("rz", f"b{layer}_{q}", q))
    return out


def cz_pairs(n: int, layer: int) -> list[tuple[int, int]]:
    return [(q, q + 1) for q in range(layer % 2, n - 1, 2)]


def hamiltonian_terms(n: int) -> list[tuple[float, list[tuple[str, int]]]]:
    zz = [(1.0, [("Z", q), ("Z", q + 1)]) for q in range(n - 1)]
    x = [(0.5, [("X", q)]) for q in range(n)]
    return zz + x


def ferroq_sweep(n: int, layers: int, values: np.ndarray, threads: int) -> tuple[float, np.ndarray]:
    c = ferroq.Circuit(n)
    rot = ansatz_params(n, layers)
    per_layer = 2 * n
    for layer in range(layers):
        for kind, name, q in rot[layer * per_layer:(layer + 1) * per_layer]:
            getattr(c, kind)(name, q)
        for a, b in cz_pairs(n, layer):
            c.cz(a, b)
    obs = ferroq.Observable.from_terms(hamiltonian_terms(n))
    params = {name: values[:, j] for j, (_, name, _) in enumerate(rot)}
    sim = ferroq.Simulator("cpu", "double", threads=threads)
    sim.run_batch(c, {k: v[:10] for k, v in params.items()}, [obs])  # warm-up
    t = time.perf_counter()
    res = sim.run_batch(c, params, [obs])
    return time.perf_counter() - t, np.asarray(res)[:, 0]


def qulacs_sweep(n: int, layers: int, values: np.ndarray) -> tuple[float, np.ndarray]:
    import qulacs

    c = qulacs.ParametricQuantumCircuit(n)
    rot = ansatz_params(n, layers)
    per_layer = 2 * n
    for layer in range(layers):
        for kind, _, q in rot[layer * per_layer:(layer + 1) * per_layer]:
            # qulacs' parametric rotations are exp(+i θ P/2): the loop passes -θ.
            if kind == "ry":
                c.add_parametric_RY_gate(q, 0.0)
            else:
                c.add_parametric_RZ_gate(q, 0.0)
        for a, b in cz_pairs(n, layer):
            c.add_CZ_gate(a, b)
    obs = qulacs.Observable(n)
    for coef, ops in hamiltonian_terms(n):
        obs.add_operator(coef, " ".join(f"{p} {q}" for p, q in ops))
    state = qulacs.QuantumState(n)
    count = c.get_parameter_count()
    out = np.empty(len(values))
    t = time.perf_counter()
    for i, row in enumerate(values):
        for j in range(count):
            c.set_parameter(j, -row[j])
        state.set_zero_state()
        c.update_quantum_state(state)
        out[i] = obs.get_expectation_value(state)
    return time.perf_counter() - t, out


def qsim_sweep(n: int, layers: int, values: np.ndarray) -> tuple[float, np.ndarray]:
    import cirq
    import qsimcirq
    import sympy

    qs = cirq.LineQubit.range(n)
    ops = []
    rot = ansatz_params(n, layers)
    symbols = [sympy.Symbol(name) for _, name, _ in rot]
    per_layer = 2 * n
    for layer in range(layers):
        for j in range(layer * per_layer, (layer + 1) * per_layer):
            kind, _, q = rot[j]
            gate = cirq.ry if kind == "ry" else cirq.rz
            ops.append(gate(symbols[j]).on(qs[q]))
        for a, b in cz_pairs(n, layer):
            ops.append(cirq.CZ(qs[a], qs[b]))
    circuit = cirq.Circuit(ops)
    h = sum(
        (coef * cirq.PauliString({qs[q]: getattr(cirq, p) for p, q in term})
         for coef, term in hamiltonian_terms(n)),
        cirq.PauliSum(),
    )
    sim = qsimcirq.QSimSimulator()
    out = np.empty(len(values))
    t = time.perf_counter()
    for i, row in enumerate(values):
        resolver = cirq.ParamResolver({s: float(v) for s, v in zip(symbols, row)})
        out[i] = sim.simulate_expectation_values(circuit, [h], param_resolver=resolver)[0].real
    return time.perf_counter() - t, out


def lightning_sweep(n: int, layers: int, values: np.ndarray) -> tuple[float, np.ndarray]:
    import pennylane as qml

    dev = qml.device("lightning.qubit", wires=n)
    rot = ansatz_params(n, layers)
    per_layer = 2 * n
    coeffs, obs = [], []
    for coef, term in hamiltonian_terms(n):
        coeffs.append(coef)
        p = [getattr(qml, f"Pauli{k}")(q) for k, q in term]
        obs.append(p[0] if len(p) == 1 else qml.prod(*p))
    h = qml.Hamiltonian(coeffs, obs)

    @qml.qnode(dev)
    def energy(theta: Any) -> Any:
        for layer in range(layers):
            for j in range(layer * per_layer, (layer + 1) * per_layer):
                kind, _, q = rot[j]
                (qml.RY if kind == "ry" else qml.RZ)(theta[j], wires=q)
            for a, b in cz_pairs(n, layer):
                qml.CZ(wires=[a, b])
        return qml.expval(h)

    out = np.empty(len(values))
    t = time.perf_counter()
    for i, row in enumerate(values):
        out[i] = float(energy(row))
    return time.perf_counter() - t, out


def aer_sweep(n: int, layers: int, values: np.ndarray) -> tuple[float, np.ndarray]:
    from qiskit import QuantumCircuit, transpile
    from qiskit.circuit import Parameter
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_aer import AerSimulator

    rot = ansatz_params(n, layers)
    ps = [Parameter(name) for _, name, _ in rot]
    qc = QuantumCircuit(n)
    per_layer = 2 * n
    for layer in range(layers):
        for j in range(layer * per_layer, (layer + 1) * per_layer):
            kind, _, q = rot[j]
            getattr(qc, kind)(ps[j], q)
        for a, b in cz_pairs(n, layer):
            qc.cz(a, b)
    h = SparsePauliOp.from_sparse_list(
        [("".join(p for p, _ in term), [q for _, q in term], coef)
         for coef, term in hamiltonian_terms(n)],
        num_qubits=n,
    )
    qc.save_expectation_value(h, list(range(n)))
    sim = AerSimulator(method="statevector")
    tqc = transpile(qc, sim)
    out = np.empty(len(values))
    t = time.perf_counter()
    for i, row in enumerate(values):
        bound = tqc.assign_parameters(dict(zip(ps, row)))
        out[i] = sim.run(bound).result().data(0)["expectation_value"]
    return time.perf_counter() - t, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qubits", type=int, default=10)
    ap.add_argument("--gates", type=int, default=100)
    ap.add_argument("--sets", type=int, default=10_000)
    ap.add_argument("--layers", type=int, default=4, help="ansatz layers (default 4)")
    ap.add_argument("--peer-sets", type=int, default=300,
                    help="sets the slow peers (qsim, Aer, Lightning) run; scaled to --sets")
    ap.add_argument("--sweep-repeats", type=int, default=3,
                    help="whole sweeps of ferroq and Qulacs, best kept (default 3)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    threads = args.threads or len(__import__("os").sched_getaffinity(0))
    n = args.qubits

    print(f"machine: {peers.machine()}")
    print(f"\n1. one {n}-qubit, {args.gates}-gate circuit, median per call from Python")
    small = small_circuit_times(n, args.gates, args.seed, threads)
    for name, s in small.items():
        print(f"   {name:34s} {s * 1e6:9.1f} us")

    print(f"\n2. sweep: {args.sets} parameter sets of a {n}-qubit, {args.layers}-layer ansatz, "
          f"one expectation value each")
    rng = np.random.default_rng(args.seed)
    values = rng.uniform(0, 2 * math.pi, size=(args.sets, 2 * n * args.layers))
    t_ferroq, ref = ferroq_sweep(n, args.layers, values, threads)
    best = {"qulacs loop": math.inf}
    for _ in range(args.sweep_repeats - 1):
        t_ferroq = min(t_ferroq, ferroq_sweep(n, args.layers, values, threads)[0])
        try:
            best["qulacs loop"] = min(best["qulacs loop"], qulacs_sweep(n, args.layers, values)[0])
        except ImportError:
            pass
    rows: list[dict[str, Any]] = [
        {"sim": "ferroq run_batch", "sets": args.sets, "seconds": t_ferroq,
         "per_set_us": t_ferroq / args.sets * 1e6, "max_diff": 0.0}
    ]
    peers_fns = [("qulacs loop", qulacs_sweep, args.sets), ("qsim loop", qsim_sweep, args.peer_sets),
                 ("aer loop", aer_sweep, args.peer_sets),
                 ("lightning loop", lightning_sweep, args.peer_sets)]
    for name, fn, count in peers_fns:
        count = min(count, args.sets)
        try:
            fn(n, args.layers, values[:2])  # warm-up (imports, compilation)
            t, got = fn(n, args.layers, values[:count])
            t = min(t, best.get(name, math.inf))
        except ImportError as e:
            print(f"   {name}: not installed ({e})")
            continue
        diff = float(np.max(np.abs(got - ref[:count])))
        rows.append({"sim": name, "sets": count, "seconds": t * args.sets / count,
                     "per_set_us": t / count * 1e6, "max_diff": diff})
    fastest_peer = min((r for r in rows[1:]), key=lambda r: r["seconds"], default=None)
    for r in rows:
        scaled = "" if r["sets"] == args.sets else f" (ran {r['sets']}, scaled)"
        print(f"   {r['sim']:18s} {r['seconds']:9.3f} s for {args.sets} sets"
              f" = {r['per_set_us']:8.1f} us/set   max |diff| vs ferroq {r['max_diff']:.1e}{scaled}")
    if fastest_peer:
        print(f"   fastest peer / ferroq: {fastest_peer['seconds'] / t_ferroq:.1f}x "
              f"({fastest_peer['sim']})")
    if args.json:
        args.json.write_text(json.dumps({"machine": peers.machine(), "small_circuit_s": small,
                                         "sweep": rows}, indent=1))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
