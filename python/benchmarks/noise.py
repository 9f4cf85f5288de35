"""Noisy sampling: ferroq's trajectories against Qiskit Aer on the same machine, one run.

A layered circuit on ``--qubits`` qubits: each of ``--layers`` layers is ``ry`` and
``rz`` (seeded random angles) on every qubit, then a brickwork of ``cx`` (pairs
(0,1),(2,3),... on even layers, (1,2),(3,4),... on odd ones); every qubit is measured
at the end. Noise: depolarizing ``--p1`` after every one-qubit gate, two-qubit
depolarizing ``--p2`` after every ``cx`` (Qiskit's convention in both), and a symmetric
readout error ``--readout`` on every measurement. The noise model is built once in
Qiskit Aer and converted with ``ferroq._qiskit_noise.from_qiskit_noise_model`` (so both
simulators run the very same model).

**What is timed**: from a built circuit and noise model to the shot counts in hand —
ferroq: ``Simulator(noise_model=...).sample(c, shots)``; Aer:
``AerSimulator(method="statevector", noise_model=nm).run(qc, shots=...).result()``
(its default trajectory optimisations and fusion on). Each is run ``--repeat`` times
after one warm-up (``--no-warmup`` times the first run, for sizes where one run takes
minutes); the median is reported.

**Agreement**: per-qubit marginals P(q = 1) of the two runs must agree within 5
standard deviations of the difference of two binomial proportions, and so must the
mean Hamming weight; the script reports the largest deviation in sigmas.

Run from the repository root (Qiskit Aer installed)::

    python python/benchmarks/noise.py                        # 20 qubits, 10 layers, 10,000 shots
    python python/benchmarks/noise.py --qubits 14 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import numpy as np
from _machine import cpu_model, vector_extensions

import ferroq
from ferroq._qiskit_noise import from_qiskit_noise_model


def angles(n: int, layers: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 2 * np.pi, size=(layers, n, 2))


def pairs(n: int, layer: int) -> list[tuple[int, int]]:
    return [(q, q + 1) for q in range(layer % 2, n - 1, 2)]


def ferroq_circuit(n: int, layers: int, th: np.ndarray) -> ferroq.Circuit:
    c = ferroq.Circuit(n)
    for layer in range(layers):
        for q in range(n):
            c.ry(float(th[layer, q, 0]), q).rz(float(th[layer, q, 1]), q)
        for a, b in pairs(n, layer):
            c.cx(a, b)
    return c.measure_all()


def qiskit_circuit(n: int, layers: int, th: np.ndarray):  # type: ignore[no-untyped-def]
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(n, n)
    for layer in range(layers):
        for q in range(n):
            qc.ry(float(th[layer, q, 0]), q)
            qc.rz(float(th[layer, q, 1]), q)
        for a, b in pairs(n, layer):
            qc.cx(a, b)
    qc.measure(range(n), range(n))
    return qc


def aer_noise_model(p1: float, p2: float, readout: float):  # type: ignore[no-untyped-def]
    from qiskit_aer import noise

    nm = noise.NoiseModel()
    nm.add_all_qubit_quantum_error(noise.depolarizing_error(p1, 1), ["ry", "rz"])
    nm.add_all_qubit_quantum_error(noise.depolarizing_error(p2, 2), ["cx"])
    nm.add_all_qubit_readout_error(noise.ReadoutError([[1 - readout, readout], [readout, 1 - readout]]))
    return nm


def qsim_runner(n: int, layers: int, th: np.ndarray, a: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The same noisy circuit for qsim's trajectory simulator (qsimcirq): depolarizing
    after every gate in Cirq's convention (a random non-identity Pauli with probability
    p·(4^k − 1)/4^k, which is Qiskit's `depolarizing_error(p, k)`), the symmetric
    readout error as a bit flip before each measurement. Returns a function giving
    counts keyed like Qiskit's (qubit 0 rightmost)."""
    import cirq
    import qsimcirq

    q = cirq.LineQubit.range(n)
    d1 = cirq.depolarize(a.p1 * 3 / 4)
    d2 = cirq.depolarize(a.p2 * 15 / 16, n_qubits=2)
    ops = []
    for layer in range(layers):
        for i in range(n):
            ops += [cirq.ry(float(th[layer, i, 0]))(q[i]), d1(q[i])]
            ops += [cirq.rz(float(th[layer, i, 1]))(q[i]), d1(q[i])]
        for x, y in pairs(n, layer):
            ops += [cirq.CNOT(q[x], q[y]), d2(q[x], q[y])]
    ops += [cirq.bit_flip(a.readout)(x) for x in q]
    ops.append(cirq.measure(*q, key="m"))
    circuit = cirq.Circuit(ops)
    sim = qsimcirq.QSimSimulator(qsim_options=qsimcirq.QSimOptions(cpu_threads=a.threads),
                                 seed=a.seed)

    def run() -> dict[str, int]:
        bits = sim.run(circuit, repetitions=a.shots).measurements["m"]
        counts: dict[str, int] = {}
        for row in bits:
            key = "".join("1" if b else "0" for b in row[::-1])
            counts[key] = counts.get(key, 0) + 1
        return counts

    return run


def marginals(counts: dict[str, int], n: int) -> tuple[np.ndarray, float, int]:
    ones = np.zeros(n)
    weight = 0.0
    total = 0
    for key, k in counts.items():
        bits = key.replace(" ", "")
        for q in range(n):
            if bits[n - 1 - q] == "1":
                ones[q] += k
        weight += bits.count("1") * k
        total += k
    return ones / total, weight / total, total


def timed(fn, repeat: int, warmup: bool):  # type: ignore[no-untyped-def]
    """Median of ``repeat`` timed runs after an optional warm-up; the counts of the
    first run are returned (and compared)."""
    out = fn() if warmup else None
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        counts = fn()
        times.append(time.perf_counter() - t)
        out = counts if out is None else out
    return out, statistics.median(times), times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qubits", type=int, default=20)
    ap.add_argument("--precision", choices=["double", "single"], default="double",
                    help="ferroq's precision (qsim runs complex64, Aer complex128)")
    ap.add_argument("--layers", type=int, default=10)
    ap.add_argument("--shots", type=int, default=10_000)
    ap.add_argument("--p1", type=float, default=1e-3)
    ap.add_argument("--p2", type=float, default=1e-2)
    ap.add_argument("--readout", type=float, default=1e-2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-warmup", action="store_true", help="time the first run (large sizes)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--skip-aer", action="store_true")
    ap.add_argument("--qsim", action="store_true",
                    help="also run qsim's trajectory simulator (pip install qsimcirq)")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()
    n = a.qubits
    th = angles(n, a.layers, a.seed)
    nm = aer_noise_model(a.p1, a.p2, a.readout)
    sim = ferroq.Simulator("cpu", precision=a.precision, threads=a.threads, seed=a.seed,
                           noise_model=from_qiskit_noise_model(nm))
    fc = ferroq_circuit(n, a.layers, th)
    print(f"machine: {cpu_model()} ({', '.join(vector_extensions())}), {os.cpu_count()} cores")
    result: dict = {
        "machine": {"cpu": cpu_model(), "vector_extensions": vector_extensions(),
                    "cores": os.cpu_count(), "threads": a.threads},
        "config": vars(a),
    }
    f_counts, f_med, f_times = timed(lambda: sim.sample(fc, shots=a.shots), a.repeat, not a.no_warmup)
    result["ferroq"] = {"median_s": f_med, "times_s": f_times, "distinct": len(f_counts)}
    print(f"ferroq   {f_med:9.3f} s  ({len(f_counts)} distinct outcomes)")
    if not a.skip_aer:
        from qiskit_aer import AerSimulator

        aer = AerSimulator(method="statevector", noise_model=nm, max_parallel_threads=a.threads)
        qc = qiskit_circuit(n, a.layers, th)

        def run_aer():  # type: ignore[no-untyped-def]
            return aer.run(qc, shots=a.shots, seed_simulator=a.seed).result().get_counts()

        q_counts, q_med, q_times = timed(run_aer, a.repeat, not a.no_warmup)
        result["aer"] = {"median_s": q_med, "times_s": q_times, "distinct": len(q_counts)}
        print(f"aer      {q_med:9.3f} s  ({len(q_counts)} distinct outcomes)")
        print(f"ratio    {f_med / q_med:9.3f}  (ferroq / Aer)")
        fm, fw, ft = marginals(f_counts, n)
        qm, qw, qt = marginals(q_counts, n)
        pooled = (fm * ft + qm * qt) / (ft + qt)
        sd = np.sqrt(pooled * (1 - pooled) * (1 / ft + 1 / qt)) + 1e-12
        worst = float(np.max(np.abs(fm - qm) / sd))
        print(f"agreement: per-qubit marginals within {worst:.2f} sigma; "
              f"mean Hamming weight {fw:.3f} vs {qw:.3f}")
        result["agreement"] = {
            "max_marginal_sigma": worst,
            "mean_weight": [fw, qw],
            "ok": worst < 5.0,
        }
        result["ratio_ferroq_over_aer"] = f_med / q_med
    if a.qsim:
        s_counts, s_med, s_times = timed(qsim_runner(n, a.layers, th, a), a.repeat,
                                         not a.no_warmup)
        result["qsim"] = {"median_s": s_med, "times_s": s_times, "distinct": len(s_counts)}
        print(f"qsim     {s_med:9.3f} s  ({len(s_counts)} distinct outcomes)")
        print(f"ratio    {f_med / s_med:9.3f}  (ferroq / qsim)")
        fm, _, ft = marginals(f_counts, n)
        sm, _, st = marginals(s_counts, n)
        pooled = (fm * ft + sm * st) / (ft + st)
        sd = np.sqrt(pooled * (1 - pooled) * (1 / ft + 1 / st)) + 1e-12
        worst = float(np.max(np.abs(fm - sm) / sd))
        print(f"agreement with qsim: per-qubit marginals within {worst:.2f} sigma")
        result["qsim_agreement_sigma"] = worst
        result["ratio_ferroq_over_qsim"] = f_med / s_med
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
