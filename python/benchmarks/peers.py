"""ferroq against its peers: the same circuits, the same machine, one run.

Runs ferroq-bench's circuit families (GHZ, QFT, random layered circuits and the
single-gate passes, built gate for gate as ``benches/src/families.rs`` builds them)
through ferroq's Python API and, for each peer that is installed, through

- Qiskit Aer (``AerSimulator(method="statevector")``; double and single precision),
- Qulacs (double precision: the PyPI wheel is complex128 only),
- qsim through qsimcirq (single precision: qsim is complex64 only),
- PennyLane Lightning (``lightning.qubit``; double and single precision),

and prints the median time to the final state vector of each, side by side.

**What is timed**, for every simulator alike: from a circuit object already built in
that library to the final state vector in hand as a numpy array — allocation of the
state, the simulation, and copying the amplitudes out (ferroq:
``Simulator.run(c).statevector``; Aer: ``run(...).result().get_statevector()``;
Qulacs: ``QuantumState`` + ``update_quantum_state`` + ``get_vector``; qsim:
``simulate(c).final_state_vector``; Lightning: ``device.execute(tape)``). Building the
circuit is not timed. Each peer keeps its own default optimisations (Aer's and qsim's
gate fusion included); thread counts are set to ``--threads`` (default: all cores).

**Agreement first.** Before any timing, every peer's state vector is compared with
ferroq's double-precision one (or the first double-precision peer's if ferroq is not
installed): equal up to a global phase within the precision's tolerance. Qubit order is
mapped per peer: Qiskit and Qulacs are little-endian like ferroq (qubit 0 = least
significant bit); cirq/qsim and PennyLane are big-endian, so ferroq qubit q becomes
their qubit n-1-q and the vectors compare index for index. A peer that disagrees is
reported and not timed. The first (checking) run is also the warm-up.

Install the peers (not needed by ferroq or its CI)::

    python -m venv .venv && . .venv/bin/activate
    pip install maturin && pip install ./python        # ferroq itself
    pip install qiskit qiskit-aer qulacs qsimcirq pennylane pennylane-lightning

Run (from the repository root)::

    python python/benchmarks/peers.py                      # n = 20, 22, 24; ghz qft random
    python python/benchmarks/peers.py --quick              # n = 12, 16: a smoke test
    python python/benchmarks/peers.py --qubits 20 --families ghz --json peers.json
    python python/benchmarks/peers.py --print-circuit random:5   # as ferroq-bench prints it

A benchmark, not a test: nothing is asserted except agreement.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import struct
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from _machine import cpu_model, vector_extensions

MASK = (1 << 64) - 1
DEFAULT_LAYERS = 10
DEFAULT_SEED = 42
PASS_ANGLE = 0.7
TOLERANCE = {"double": 1e-9, "single": 2e-4}
FAMILIES = ["ghz", "qft", "random", "qaoa-cx", "qaoa-rzz", "pass-1q-low", "pass-1q-high",
            "pass-2q", "pass-diag"]


# ---------------------------------------------------------------------------------------
# Circuits: a tiny IR, built exactly as ferroq's library (crates/core/src/library.rs,
# behind benches/src/families.rs) builds them.


class Rng:
    """ferroq's generator (xoshiro256++ seeded through SplitMix64), bit for bit."""

    def __init__(self, seed: int) -> None:
        x = seed & MASK
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            s.append(z ^ (z >> 31))
        self.s = s

    @staticmethod
    def _rotl(x: int, k: int) -> int:
        return ((x << k) | (x >> (64 - k))) & MASK

    def next_u64(self) -> int:
        s = self.s
        result = (self._rotl((s[0] + s[3]) & MASK, 23) + s[0]) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def next_f64(self) -> float:
        return (self.next_u64() >> 11) * (1.0 / (1 << 53))


# A gate: (name, params, qubits) with controls first, in ferroq's little-endian numbering.
Gate = tuple[str, tuple[float, ...], tuple[int, ...]]


def build(
    family: str, n: int, layers: int = DEFAULT_LAYERS, seed: int = DEFAULT_SEED
) -> list[Gate]:
    """The gates of ``family`` on ``n`` qubits (see families.rs for the definitions)."""
    g: list[Gate] = []
    if family == "ghz":
        g.append(("h", (), (0,)))
        g.extend(("cx", (), (q - 1, q)) for q in range(1, n))
    elif family == "qft":
        for j in reversed(range(n)):
            g.append(("h", (), (j,)))
            for k in reversed(range(j)):
                g.append(("cp", (math.pi / float(1 << (j - k)),), (k, j)))
    elif family == "random":
        rng = Rng(seed)
        for layer in range(layers):
            for q in range(n):
                angle = rng.next_f64() * 2.0 * math.pi
                g.append((("rx", "ry", "rz")[rng.next_u64() % 3], (angle,), (q,)))
            g.extend(("cz", (), (q, q + 1)) for q in range(layer % 2, n - 1, 2))
    elif family in ("qaoa-cx", "qaoa-rzz"):
        # QAOA on a random interaction graph (library.rs `qaoa_random_graph`): ZZ terms
        # between random, mostly non-neighbouring pairs, written CX·RZ·CX as frameworks
        # emit them (qaoa-cx) or as one native RZZ (qaoa-rzz).
        rng = Rng(seed)
        g.extend(("h", (), (q,)) for q in range(n))
        for _ in range(layers if n >= 2 else 0):
            gamma = rng.next_f64() * 2.0 * math.pi
            beta = rng.next_f64() * 2.0 * math.pi
            for _ in range(n):
                a = rng.next_u64() % n
                b = rng.next_u64() % (n - 1)
                b += b >= a
                if family == "qaoa-rzz":
                    g.append(("rzz", (gamma,), (a, b)))
                else:
                    g.extend([("cx", (), (a, b)), ("rz", (gamma,), (b,)), ("cx", (), (a, b))])
            g.extend(("rx", (beta,), (q,)) for q in range(n))
    elif family == "pass-1q-low":
        g.append(("h", (), (0,)))
    elif family == "pass-1q-high":
        g.append(("h", (), (n - 1,)))
    elif family == "pass-2q":
        g.append(("rxx", (PASS_ANGLE,), (0, n - 1)))
    elif family == "pass-diag":
        g.append(("rzz", (PASS_ANGLE,), (0, n - 1)))
    else:
        raise ValueError(f"unknown family {family!r}: expected one of {', '.join(FAMILIES)}")
    return g


def describe(gates: list[Gate]) -> str:
    """The format of ``ferroq-bench --print-circuit``: angles as their IEEE-754 bits."""
    lines = []
    for name, params, qubits in gates:
        ps = "".join(" " + struct.pack(">d", p).hex() for p in params)
        lines.append(f"{name}{ps} |" + "".join(f" {q}" for q in qubits))
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------------------------------
# Simulators. Each adapter: prepare(gates, n) -> runnable object (not timed), and
# run(obj) -> numpy state vector in ferroq's (little-endian) index order (timed).


@dataclass
class Sim:
    """One simulator in one precision."""

    name: str
    precision: str
    version: str
    prepare: Callable[[list[Gate], int], Any]
    run: Callable[[Any], Any]
    note: str = ""


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def ferroq_sims(threads: int, precisions: list[str]) -> list[Sim]:
    import ferroq

    out = []
    for prec in precisions:
        sim = ferroq.Simulator(backend="cpu", precision=prec, threads=threads)

        def prepare(gates: list[Gate], n: int) -> Any:
            c = ferroq.Circuit(n)
            for name, params, qubits in gates:
                getattr(c, name)(*params, *qubits)
            return c

        out.append(Sim("ferroq", prec, ferroq.__version__, prepare,
                       lambda c, sim=sim: sim.run(c).statevector))
    return out


def aer_sims(threads: int, precisions: list[str]) -> list[Sim]:
    from qiskit import QuantumCircuit
    from qiskit_aer import AerSimulator

    def prepare(gates: list[Gate], n: int) -> Any:
        c = QuantumCircuit(n)
        for name, params, qubits in gates:
            getattr(c, name)(*params, *qubits)
        c.save_statevector()
        return c

    out = []
    for prec in precisions:
        backend = AerSimulator(method="statevector", precision=prec,
                               max_parallel_threads=threads)
        import numpy as np

        out.append(Sim("qiskit-aer", prec, _version("qiskit-aer"), prepare,
                       lambda c, b=backend: np.asarray(
                           b.run(c, shots=1).result().get_statevector())))
    return out


def qulacs_sims(threads: int, precisions: list[str]) -> list[Sim]:
    if "double" not in precisions:
        return []
    import numpy as np
    import qulacs
    from qulacs import gate as qg

    def prepare(gates: list[Gate], n: int) -> Any:
        c = qulacs.QuantumCircuit(n)
        for name, params, qubits in gates:
            if name == "h":
                c.add_H_gate(qubits[0])
            elif name == "cx":
                c.add_CNOT_gate(*qubits)
            elif name == "cz":
                c.add_CZ_gate(*qubits)
            elif name in ("rx", "ry", "rz"):
                # RotX/RotY/RotZ are exp(-i θ P/2); qulacs' RX/RY/RZ have the opposite sign.
                getattr(c, f"add_Rot{name[1].upper()}_gate")(qubits[0], params[0])
            elif name == "cp":
                m = qg.DenseMatrix(qubits[1], np.diag([1.0, np.exp(1j * params[0])]))
                m.add_control_qubit(qubits[0], 1)
                c.add_gate(m)
            elif name in ("rxx", "rzz"):
                pauli = 1 if name == "rxx" else 3
                # qulacs' PauliRotation(θ) is exp(+i θ P/2): negate for exp(-i θ P/2).
                c.add_gate(qg.PauliRotation(list(qubits), [pauli, pauli], -params[0]))
            else:
                raise ValueError(f"qulacs adapter lacks {name}")
        return (c, n)

    def run(obj: Any) -> Any:
        c, n = obj
        state = qulacs.QuantumState(n)
        c.update_quantum_state(state)
        return state.get_vector()

    return [Sim("qulacs", "double", _version("qulacs"), prepare, run)]


def qsim_sims(threads: int, precisions: list[str]) -> list[Sim]:
    if "single" not in precisions:
        return []
    import cirq
    import qsimcirq

    def prepare(gates: list[Gate], n: int) -> Any:
        q = [cirq.LineQubit(n - 1 - i) for i in range(n)]  # big-endian: ferroq q -> n-1-q
        ops = []
        for name, params, qubits in gates:
            qs = [q[i] for i in qubits]
            if name == "h":
                ops.append(cirq.H(*qs))
            elif name == "cx":
                ops.append(cirq.CNOT(*qs))
            elif name == "cz":
                ops.append(cirq.CZ(*qs))
            elif name in ("rx", "ry", "rz"):
                ops.append(getattr(cirq, name)(params[0])(*qs))
            elif name == "cp":
                ops.append(cirq.CZPowGate(exponent=params[0] / math.pi)(*qs))
            elif name == "rxx":
                ops.append(cirq.XXPowGate(exponent=params[0] / math.pi, global_shift=-0.5)(*qs))
            elif name == "rzz":
                ops.append(cirq.ZZPowGate(exponent=params[0] / math.pi, global_shift=-0.5)(*qs))
            else:
                raise ValueError(f"qsim adapter lacks {name}")
        # Every qubit in the circuit, so the state vector has all n of them.
        return cirq.Circuit(ops + [cirq.I(x) for x in q])

    sim = qsimcirq.QSimSimulator(qsim_options=qsimcirq.QSimOptions(cpu_threads=threads))
    return [Sim("qsim", "single", _version("qsimcirq"), prepare,
                lambda c: sim.simulate(c).final_state_vector)]


def lightning_sims(threads: int, precisions: list[str]) -> list[Sim]:
    import numpy as np
    import pennylane as qml

    names = {"h": qml.Hadamard, "cx": qml.CNOT, "cz": qml.CZ, "rx": qml.RX, "ry": qml.RY,
             "rz": qml.RZ, "cp": qml.ControlledPhaseShift, "rxx": qml.IsingXX,
             "rzz": qml.IsingZZ}
    out = []
    for prec in precisions:
        dtype = np.complex128 if prec == "double" else np.complex64

        def prepare(gates: list[Gate], n: int, dtype: Any = dtype) -> Any:
            dev = qml.device("lightning.qubit", wires=n, c_dtype=dtype)
            ops = [names[name](*params, wires=[n - 1 - i for i in qubits])  # big-endian
                   for name, params, qubits in gates]
            tape = qml.tape.QuantumScript(ops, [qml.state()])
            return dev, tape

        def run(obj: Any) -> Any:
            dev, tape = obj
            return dev.execute(tape)

        out.append(Sim("lightning", prec, _version("pennylane-lightning"), prepare, run))
    return out


PEERS: dict[str, Callable[[int, list[str]], list[Sim]]] = {
    "ferroq": ferroq_sims,
    "qiskit-aer": aer_sims,
    "qulacs": qulacs_sims,
    "qsim": qsim_sims,
    "lightning": lightning_sims,
}


# ---------------------------------------------------------------------------------------
# Measurement.


@dataclass
class Result:
    """One simulator on one circuit."""

    sim: str
    precision: str
    family: str
    qubits: int
    gates: int
    times_s: list[float] = field(default_factory=list)
    agreement: float | None = None  # max |psi - ref| after aligning the global phase
    note: str = ""

    @property
    def median_s(self) -> float | None:
        return statistics.median(self.times_s) if self.times_s else None


def compare(ref: Any, psi: Any) -> float:
    """Largest amplitude difference after removing the global phase."""
    import numpy as np

    psi = np.asarray(psi, dtype=np.complex128).reshape(-1)
    if psi.shape != ref.shape:
        return math.inf
    overlap = np.vdot(psi, ref)
    phase = overlap / abs(overlap) if abs(overlap) > 0 else 1.0
    return float(np.max(np.abs(psi * phase - ref)))


def machine() -> dict[str, Any]:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu": cpu_model(), "vector_extensions": vector_extensions(),
            "cores": os.cpu_count(), "python": sys.version.split()[0], "load_average": load}


def fmt(s: float | None) -> str:
    """Milliseconds with about three significant digits."""
    if s is None:
        return "-"
    ms = s * 1e3
    digits = 3 if ms < 1 else 2 if ms < 10 else 1 if ms < 1000 else 0
    return f"{ms:.{digits}f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qubits", type=int, nargs="+", default=None,
                    help="qubit counts (default 20 22 24; --quick: 12 16)")
    ap.add_argument("--families", nargs="+", default=["ghz", "qft", "random"],
                    choices=FAMILIES + ["all"])
    ap.add_argument("--peers", nargs="+", default=list(PEERS), choices=list(PEERS))
    ap.add_argument("--precision", nargs="+", default=["double", "single"],
                    choices=["double", "single"])
    ap.add_argument("--repeats", type=int, default=None, help="timed runs (default 5; quick 2)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--layers", type=int, default=DEFAULT_LAYERS)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--quick", action="store_true", help="n = 12 16, 2 timed runs")
    ap.add_argument("--json", metavar="FILE", help="write every timing as JSON")
    ap.add_argument("--print-circuit", metavar="FAMILY:N",
                    help="print the circuit as ferroq-bench --print-circuit does, and exit")
    args = ap.parse_args()

    if args.print_circuit:
        fam, n = args.print_circuit.split(":")
        sys.stdout.write(describe(build(fam, int(n), args.layers, args.seed)))
        return 0
    families = FAMILIES if "all" in args.families else args.families
    qubits = args.qubits or ([12, 16] if args.quick else [20, 22, 24])
    repeats = args.repeats or (2 if args.quick else 5)
    # OpenMP-based peers (Qulacs, Lightning) read this when their library loads.
    os.environ["OMP_NUM_THREADS"] = str(args.threads)

    sims: list[Sim] = []
    missing: list[str] = []
    for name in args.peers:
        try:
            sims.extend(PEERS[name](args.threads, args.precision))
        except Exception as e:  # ImportError, or a peer failing to start
            missing.append(f"{name}: {type(e).__name__}: {e}")
    print(f"machine: {machine()}")
    for s in sims:
        print(f"  {s.name} {s.version} ({s.precision})")
    for m in missing:
        print(f"  not run: {m}")
    if not sims:
        return 1

    import numpy as np

    results: list[Result] = []
    for family in families:
        for n in qubits:
            gates = build(family, n, args.layers, args.seed)
            ref, ref_prec = None, "double"
            for s in sims:
                r = Result(s.name, s.precision, family, n, len(gates))
                results.append(r)
                try:
                    obj = s.prepare(gates, n)
                    psi = np.asarray(s.run(obj)).reshape(-1)  # check run = warm-up
                except Exception as e:
                    r.note = f"failed: {type(e).__name__}: {e}"
                    print(f"{family:>12} n={n:<2} {s.name:>10} {s.precision:6} {r.note}")
                    continue
                if ref is None:
                    # ferroq double when it runs; else the first simulator that ran.
                    ref, ref_prec = psi.astype(np.complex128), s.precision
                else:
                    r.agreement = compare(ref, psi)
                    tol = max(TOLERANCE[s.precision], TOLERANCE[ref_prec]) * max(1, n / 10)
                    if not r.agreement <= tol:
                        r.note = f"DISAGREES with the reference: max |diff| = {r.agreement:.2e}"
                        print(f"{family:>12} n={n:<2} {s.name:>10} {s.precision:6} {r.note}")
                        continue
                del psi
                for _ in range(repeats):
                    t = time.perf_counter()
                    out = s.run(obj)
                    r.times_s.append(time.perf_counter() - t)
                    del out
                agree = "reference" if r.agreement is None else f"max |diff| {r.agreement:.1e}"
                print(f"{family:>12} n={n:<2} {s.name:>10} {s.precision:6} "
                      f"{fmt(r.median_s):>9} ms  ({agree})", flush=True)
                del obj

    print_table(results, sims, families, qubits)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine(), "threads": args.threads, "repeats": repeats,
                       "timed": "circuit built -> state vector as numpy (alloc + run + copy-out)",
                       "simulators": [{"name": s.name, "precision": s.precision,
                                       "version": s.version} for s in sims],
                       "not_run": missing,
                       "results": [{**r.__dict__, "median_s": r.median_s} for r in results]},
                      f, indent=2)
        print(f"wrote {args.json}")
    return 0


def print_table(results: list[Result], sims: list[Sim], families: list[str],
                qubits: list[int]) -> None:
    cols = [(s.name, s.precision) for s in sims]
    head = ["family", "n"] + [f"{a} {p[0]}" for a, p in cols] + ["ferroq/best d", "ferroq/best s"]
    rows = []
    by = {(r.sim, r.precision, r.family, r.qubits): r for r in results}
    for fam in families:
        for n in qubits:
            row = [fam, str(n)]
            for a, p in cols:
                r = by.get((a, p, fam, n))
                row.append(fmt(r.median_s) if r and r.median_s else ("x" if r and r.note else "-"))
            for p in ("double", "single"):
                mine = by.get(("ferroq", p, fam, n))
                peers = [by[k].median_s for k in by
                         if k[0] != "ferroq" and k[1] == p and k[2] == fam and k[3] == n
                         and by[k].median_s]
                if mine and mine.median_s and peers:
                    row.append(f"{mine.median_s / min(peers):.2f}")
                else:
                    row.append("-")
            rows.append(row)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("\nmedian ms, circuit -> numpy state vector (d = double, s = single; x = failed "
          "or disagreed); ferroq/best = ferroq time / fastest peer of that precision")
    for line in [head] + rows:
        print("  ".join(c.rjust(w) if i > 1 else c.ljust(w)
                        for i, (c, w) in enumerate(zip(line, widths))).rstrip())


if __name__ == "__main__":
    sys.exit(main())
