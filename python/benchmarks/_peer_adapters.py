"""The simulators ``peers.py`` compares, one adapter per library.

Each adapter turns ``peers.py``'s gate IR — ``(name, params, qubits)``, controls first,
ferroq's little-endian qubit numbers — into that library's circuit object
(``prepare(gates, n)``, not timed) and runs it to a numpy state vector in ferroq's index
order (``run(obj)``, timed).

Gates: h x y z s t cx cz swap iswap rx ry rz cp rxx rzz, and ``unitary`` (its one
parameter a numpy matrix, ``qubits[0]`` the matrix's least significant bit, as in
ferroq and Qiskit). Qubit order: Qiskit and Qulacs are little-endian like ferroq;
cirq/qsim and PennyLane are big-endian, so ferroq qubit q becomes their qubit n-1-q
(the vectors then compare index for index), and a matrix's qubit list is reversed for
them (their first qubit is the matrix's most significant bit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

Gate = tuple[str, tuple[Any, ...], tuple[int, ...]]


@dataclass
class Sim:
    """One simulator in one precision."""

    name: str
    precision: str
    version: str
    prepare: Callable[[list[Gate], int], Any]
    run: Callable[[Any], Any]
    note: str = ""
    # (how, run): a workaround ``peers.py`` checks and times when ``run``'s state
    # disagrees with the reference because of a known bug of the peer.
    fallback: tuple[str, Callable[[Any], Any]] | None = None


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


ISWAP = [[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]]


def ferroq_sims(threads: int, precisions: list[str]) -> list[Sim]:
    import ferroq

    def prepare(gates: list[Gate], n: int) -> Any:
        c = ferroq.Circuit(n)
        for name, params, qubits in gates:
            if name == "unitary":
                c.unitary(params[0], list(qubits))
            else:
                getattr(c, name)(*params, *qubits)
        return c

    out = []
    for prec in precisions:
        sim = ferroq.Simulator(backend="cpu", precision=prec, threads=threads)
        out.append(Sim("ferroq", prec, ferroq.__version__, prepare,
                       lambda c, sim=sim: sim.statevector(c)))
    return out


def aer_sims(threads: int, precisions: list[str]) -> list[Sim]:
    import numpy as np
    from qiskit import QuantumCircuit
    from qiskit_aer import AerSimulator

    def prepare(gates: list[Gate], n: int) -> Any:
        c = QuantumCircuit(n)
        for name, params, qubits in gates:
            if name == "unitary":
                c.unitary(params[0], list(qubits))  # qubits[0] = least significant bit
            elif name == "iswap":  # Aer has no iswap instruction; its matrix is symmetric
                c.unitary(ISWAP, list(qubits), label="iswap")
            else:
                getattr(c, name)(*params, *qubits)
        c.save_statevector()
        return c

    def runner(prec: str, **options: Any) -> Callable[[Any], Any]:
        b = AerSimulator(method="statevector", precision=prec, max_parallel_threads=threads,
                         **options)
        return lambda c: np.asarray(b.run(c, shots=1).result().get_statevector())

    # Aer's gate fusion (on above 14 qubits) gives wrong states on some circuits with
    # X·S·X-like runs (Qiskit/qiskit-aer#2245, open; seen here on cirq-random at n = 16).
    workaround = "with fusion_enable=False (qiskit-aer#2245)"
    return [Sim("qiskit-aer", prec, _version("qiskit-aer"), prepare, runner(prec),
                fallback=(workaround, runner(prec, fusion_enable=False)))
            for prec in precisions]


def qulacs_sims(threads: int, precisions: list[str]) -> list[Sim]:
    if "double" not in precisions:
        return []
    import numpy as np
    import qulacs
    from qulacs import gate as qg

    fixed = {"h": "H", "x": "X", "y": "Y", "z": "Z", "s": "S", "t": "T", "cx": "CNOT",
             "cz": "CZ", "swap": "SWAP"}

    def prepare(gates: list[Gate], n: int) -> Any:
        c = qulacs.QuantumCircuit(n)
        for name, params, qubits in gates:
            if name in fixed:
                getattr(c, f"add_{fixed[name]}_gate")(*qubits)
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
            elif name in ("unitary", "iswap"):
                # DenseMatrix's first target is the matrix's least significant bit.
                m = params[0] if name == "unitary" else np.array(ISWAP)
                c.add_dense_matrix_gate(list(qubits), m)
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

    fixed = {"h": cirq.H, "x": cirq.X, "y": cirq.Y, "z": cirq.Z, "s": cirq.S, "t": cirq.T,
             "cx": cirq.CNOT, "cz": cirq.CZ, "swap": cirq.SWAP, "iswap": cirq.ISWAP}

    def prepare(gates: list[Gate], n: int) -> Any:
        q = [cirq.LineQubit(n - 1 - i) for i in range(n)]  # big-endian: ferroq q -> n-1-q
        ops = []
        for name, params, qubits in gates:
            qs = [q[i] for i in qubits]
            if name in fixed:
                ops.append(fixed[name](*qs))
            elif name in ("rx", "ry", "rz"):
                ops.append(getattr(cirq, name)(params[0])(*qs))
            elif name == "cp":
                ops.append(cirq.CZPowGate(exponent=params[0] / math.pi)(*qs))
            elif name == "rxx":
                ops.append(cirq.XXPowGate(exponent=params[0] / math.pi, global_shift=-0.5)(*qs))
            elif name == "rzz":
                ops.append(cirq.ZZPowGate(exponent=params[0] / math.pi, global_shift=-0.5)(*qs))
            elif name == "unitary":
                ops.append(cirq.MatrixGate(params[0])(*reversed(qs)))  # first = MSB
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

    names = {"h": qml.Hadamard, "x": qml.PauliX, "y": qml.PauliY, "z": qml.PauliZ,
             "s": qml.S, "t": qml.T, "cx": qml.CNOT, "cz": qml.CZ, "swap": qml.SWAP,
             "iswap": qml.ISWAP, "rx": qml.RX, "ry": qml.RY, "rz": qml.RZ,
             "cp": qml.ControlledPhaseShift, "rxx": qml.IsingXX, "rzz": qml.IsingZZ}

    def op(name: str, params: tuple[Any, ...], qubits: tuple[int, ...], n: int) -> Any:
        wires = [n - 1 - i for i in qubits]  # big-endian
        if name == "unitary":
            return qml.QubitUnitary(params[0], wires=wires[::-1])  # first wire = MSB
        return names[name](*params, wires=wires)

    out = []
    for prec in precisions:
        dtype = np.complex128 if prec == "double" else np.complex64

        def prepare(gates: list[Gate], n: int, dtype: Any = dtype) -> Any:
            dev = qml.device("lightning.qubit", wires=n, c_dtype=dtype)
            tape = qml.tape.QuantumScript([op(*g, n) for g in gates], [qml.state()])
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
