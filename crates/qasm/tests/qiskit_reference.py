#!/usr/bin/env python3
"""Independent reference states for ferroq-qasm's tests, computed with Qiskit.

Usage: qiskit_reference.py OUTDIR INPUT_DIR [INPUT_DIR ...]

For every ``*.qasm`` file in the input folders: reads it with
``qiskit.qasm2.loads(text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS)``
and writes the final state vector from |0...0> (little-endian, as
``qiskit.quantum_info.Statevector``) to ``OUTDIR/<stem>.bin`` as raw little-endian
complex128, or the reason it cannot to ``OUTDIR/<stem>.err``.

Each gate's matrix is Qiskit's (``qiskit.quantum_info.Operator``); it is applied with
plain numpy slicing, because ``Statevector.evolve`` takes minutes on the 16-20
qubit files. That fast path is checked against ``Statevector.evolve`` itself on every
circuit small enough for it to be quick. Barriers are skipped; a reset must find its
qubit in a definite state (else the result would be random and the file is reported
as an error). Needs the pip packages ``qiskit`` and ``numpy``.
"""

import pathlib
import sys

import numpy as np
import qiskit.qasm2
from qiskit.quantum_info import Operator, Statevector


def apply(psi, n, matrix, qubits):
    """Applies `matrix` (little-endian over `qubits`) to the n-qubit tensor `psi`:
    out[r] = sum_c matrix[r, c] * psi[c] over the slices that fix the gate's qubits
    (plain broadcasting; much faster than BLAS for 2^k x 2^k with small k)."""
    k = len(qubits)
    axes = [n - 1 - q for q in qubits]

    def part(index):
        s = [slice(None)] * n
        for j, a in enumerate(axes):
            s[a] = (index >> j) & 1
        return tuple(s)

    parts = [psi[part(c)] for c in range(2**k)]
    out = np.empty_like(psi)
    for r in range(2**k):
        acc = np.zeros_like(parts[0])
        for c in range(2**k):
            if matrix[r, c] != 0:
                acc += matrix[r, c] * parts[c]
        out[part(r)] = acc
    return out


def reset(psi, n, q):
    ax = n - 1 - q
    one = np.take(psi, 1, axis=ax)
    p1 = float(np.vdot(one, one).real)
    if p1 < 1e-12:
        return psi
    if p1 > 1 - 1e-12:
        return np.flip(psi, axis=ax)
    raise ValueError(f"reset of qubit {q} in a superposition (P(1) = {p1:.3f}): random result")


def reference(text):
    circuit = qiskit.qasm2.loads(
        text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS
    )
    n = circuit.num_qubits
    psi = np.zeros((2,) * n, dtype=complex)
    psi[(0,) * n] = 1.0
    for inst in circuit.data:
        name = inst.operation.name
        qubits = [circuit.find_bit(q).index for q in inst.qubits]
        if name == "barrier":
            continue
        if name == "reset":
            psi = reset(psi, n, qubits[0])
            continue
        if name == "measure" or inst.clbits:
            raise ValueError(f"`{name}` makes the final state random")
        psi = apply(psi, n, Operator(inst.operation).data, qubits)
    state = psi.reshape(-1)
    small = n <= 10 and len(circuit.data) <= 800
    if small and not any(i.operation.name == "reset" for i in circuit.data):
        plain = circuit.copy_empty_like()
        for inst in circuit.data:
            if inst.operation.name != "barrier":
                plain.append(inst)
        check = Statevector.from_int(0, 2**n).evolve(plain).data
        if np.max(np.abs(check - state)) > 1e-9:
            raise AssertionError("numpy path disagrees with Statevector.evolve")
    return state


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = pathlib.Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for folder in argv[2:]:
        for path in sorted(pathlib.Path(folder).glob("*.qasm")):
            try:
                state = reference(path.read_text(encoding="utf-8", errors="replace"))
                (out / (path.stem + ".bin")).write_bytes(state.astype("<c16").tobytes())
            except Exception as exc:  # recorded; the Rust test reports it
                (out / (path.stem + ".err")).write_text(f"{type(exc).__name__}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
