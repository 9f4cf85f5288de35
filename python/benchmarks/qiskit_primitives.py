"""ferroq's Qiskit primitives and Cirq simulator against their usual engines.

Three comparisons (issue 13's targets), each checked for agreement before timing:

1. EstimatorV2: ``efficient_su2(16, reps=4)`` (160 parameters), 1,000 parameter sets,
   a 50-term random Pauli Hamiltonian, exact values (precision 0); ferroq against
   ``qiskit_aer.primitives.EstimatorV2`` with the same thread count, complex128.
   Target: ferroq <= 0.3x Aer's time, values equal to 1e-8.
2. SamplerV2: a 20-qubit circuit (``efficient_su2(20, reps=2)`` bound, measure_all),
   100,000 shots; ferroq against ``qiskit_aer.primitives.SamplerV2``. Target <= 0.5x.
3. Cirq: ``simulate`` of a 20-qubit random circuit in complex64, ferroq.cirq.Simulator
   against ``qsimcirq.QSimSimulator`` (skipped when qsimcirq is not installed).
   Target <= 0.8x.

Times are wall-clock seconds of the whole user call (conversion included), best of
``--repeats`` after one warm-up call (sampler and Cirq: ferroq and the peer alternate) (Aer's estimator, which takes minutes here: one
timed call after a 2-set warm-up).

    python python/benchmarks/qiskit_primitives.py --json out.json
    python python/benchmarks/qiskit_primitives.py --threads 2 --sets 1000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _machine import cpu_model, vector_extensions


def best_of(
    fn: Callable[[], Any], repeats: int, warmup: Callable[[], Any] | None = None
) -> tuple[float, Any]:
    out = (warmup or fn)()  # warm-up (compilation, thread pools)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def best_of_pair(
    a: Callable[[], Any], b: Callable[[], Any], repeats: int
) -> tuple[float, Any, float, Any]:
    """Best times of ``a`` and ``b`` run alternately (so a shared machine's drifting
    load hits both alike), after one warm-up call of each."""
    out_a, out_b = a(), b()
    ta = tb = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        out_a = a()
        t1 = time.perf_counter()
        out_b = b()
        t2 = time.perf_counter()
        ta, tb = min(ta, t1 - t0), min(tb, t2 - t1)
    return ta, out_a, tb, out_b


def versions() -> dict[str, str]:
    import ferroq

    out = {"python": sys.version.split()[0], "ferroq": ferroq.__version__}
    for mod in ("qiskit", "qiskit_aer", "cirq", "qsimcirq", "numpy"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception:
            out[mod] = "not installed"
    return out


def estimator_bench(threads: int, sets: int, repeats: int) -> dict[str, Any]:
    from qiskit.circuit.library import efficient_su2
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_aer.primitives import EstimatorV2 as AerEstimator

    from ferroq.qiskit import EstimatorV2

    n = 16
    qc = efficient_su2(n, reps=4)
    rng = np.random.default_rng(1234)
    labels = set()
    while len(labels) < 50:
        labels.add("".join(rng.choice(list("IXYZ"), n)))
    ham = SparsePauliOp(sorted(labels), rng.uniform(-1, 1, 50))
    values = rng.uniform(-np.pi, np.pi, (sets, qc.num_parameters))
    pubs = [(qc, ham, values)]

    ours = EstimatorV2(backend="cpu", precision="double", threads=threads)
    aer = AerEstimator(
        options={
            "backend_options": {"method": "statevector", "max_parallel_threads": threads},
            "default_precision": 0.0,
        }
    )
    t_ours, r_ours = best_of(lambda: ours.run(pubs).result(), repeats)
    # Aer takes minutes here: warmed up on 2 sets, then timed once.
    t_aer, r_aer = best_of(
        lambda: aer.run(pubs).result(), 1, warmup=lambda: aer.run([(qc, ham, values[:2])]).result()
    )
    diff = float(np.max(np.abs(r_ours[0].data.evs - r_aer[0].data.evs)))
    return {
        "case": f"EstimatorV2 efficient_su2({n}, reps=4), {qc.num_parameters} parameters, "
        f"{sets} sets, 50-term H, exact, complex128",
        "ferroq_s": t_ours,
        "aer_s": t_aer,
        "ratio": t_ours / t_aer,
        "target_ratio": 0.3,
        "max_abs_diff": diff,
    }


def sampler_bench(threads: int, shots: int, repeats: int) -> dict[str, Any]:
    from qiskit.circuit.library import efficient_su2
    from qiskit_aer.primitives import SamplerV2 as AerSampler

    from ferroq.qiskit import SamplerV2

    n = 20
    qc = efficient_su2(n, reps=2)
    rng = np.random.default_rng(7)
    qc = qc.assign_parameters(rng.uniform(-np.pi, np.pi, qc.num_parameters))
    qc.measure_all()
    ours = SamplerV2(backend="cpu", precision="double", threads=threads, seed=1)
    aer = AerSampler(
        seed=1,
        options={"backend_options": {"method": "statevector", "max_parallel_threads": threads}},
    )
    t_ours, r_ours, t_aer, r_aer = best_of_pair(
        lambda: ours.run([qc], shots=shots).result(),
        lambda: aer.run([qc], shots=shots).result(),
        repeats,
    )
    # Agreement: the marginal of each of the 20 bits, 100k shots each.
    a = r_ours[0].data.meas.to_bool_array(order="little").mean(axis=0)
    b = r_aer[0].data.meas.to_bool_array(order="little").mean(axis=0)
    return {
        "case": f"SamplerV2 efficient_su2({n}, reps=2) bound, measure_all, {shots} shots, complex128",
        "ferroq_s": t_ours,
        "aer_s": t_aer,
        "ratio": t_ours / t_aer,
        "target_ratio": 0.5,
        "max_bit_marginal_diff": float(np.max(np.abs(a - b))),
    }


def cirq_bench(threads: int, repeats: int) -> dict[str, Any]:
    import cirq

    import ferroq.cirq

    try:
        import qsimcirq
    except ImportError:
        return {"case": "cirq simulate 20 qubits", "skipped": "qsimcirq is not installed"}
    qubits = cirq.LineQubit.range(20)
    circuit = cirq.testing.random_circuit(qubits, n_moments=20, op_density=0.9, random_state=3)
    ours = ferroq.cirq.Simulator(backend="cpu", precision="single", threads=threads)
    qsim = qsimcirq.QSimSimulator(qsimcirq.QSimOptions(cpu_threads=threads))
    t_ours, s_ours, t_qsim, s_qsim = best_of_pair(
        lambda: ours.simulate(circuit, qubit_order=qubits),
        lambda: qsim.simulate(circuit, qubit_order=qubits),
        repeats,
    )
    a, b = s_ours.final_state_vector, s_qsim.final_state_vector
    overlap = abs(np.vdot(a.astype(np.complex128), b.astype(np.complex128)))
    return {
        "case": f"cirq simulate, 20-qubit random circuit ({len(list(circuit.all_operations()))} ops, "
        "20 moments), complex64",
        "ferroq_s": t_ours,
        "qsim_s": t_qsim,
        "ratio": t_ours / t_qsim,
        "target_ratio": 0.8,
        "fidelity": float(overlap**2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--sets", type=int, default=1000)
    ap.add_argument("--shots", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", choices=["estimator", "sampler", "cirq"], action="append")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    machine = {
        "cpu": cpu_model(),
        "vector_extensions": vector_extensions(),
        "cores": os.cpu_count(),
        "threads": args.threads,
        "platform": platform.platform(),
    }
    print(f"machine: {machine['cpu']} ({', '.join(machine['vector_extensions'])}), "
          f"{machine['cores']} cores; threads used: {args.threads}")
    print("versions:", versions())
    print("command:", " ".join([os.path.basename(sys.executable), *sys.argv]))
    results = []
    todo = args.only or ["estimator", "sampler", "cirq"]
    if "estimator" in todo:
        results.append(estimator_bench(args.threads, args.sets, args.repeats))
    if "sampler" in todo:
        results.append(sampler_bench(args.threads, args.shots, args.repeats))
    if "cirq" in todo:
        results.append(cirq_bench(args.threads, args.repeats))
    for r in results:
        print(json.dumps(r))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "machine": machine,
                    "versions": versions(),
                    "command": " ".join(["python", *sys.argv]),
                    "results": results,
                },
                f,
                indent=2,
            )


if __name__ == "__main__":
    main()
