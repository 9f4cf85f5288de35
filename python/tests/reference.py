"""A small dense reference simulator in numpy, written from textbook definitions.

Independent of ferroq: gate matrices are spelled out here, gates are applied by
index arithmetic on the full state vector, and measurements branch exactly (every
outcome with its probability) instead of sampling. Qubit 0 is the least significant
bit of a basis-state index, as in ferroq.
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass, field

import numpy as np

# ---- textbook gate matrices ------------------------------------------------------

I2 = np.eye(2, dtype=complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
Z = np.array([[1, 0], [0, -1]], dtype=complex)
H = np.array([[1, 1], [1, -1]], dtype=complex) / math.sqrt(2)
S = np.diag([1, 1j])
T = np.diag([1, cmath.exp(1j * math.pi / 4)])
SX = 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]])
SWAP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=complex)
ISWAP = np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]], dtype=complex)
PAULI = {"I": I2, "X": X, "Y": Y, "Z": Z}


def rx(t: float) -> np.ndarray:
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, -1j * s], [-1j * s, c]])


def ry(t: float) -> np.ndarray:
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, -s], [s, c]], dtype=complex)


def rz(t: float) -> np.ndarray:
    return np.diag([cmath.exp(-1j * t / 2), cmath.exp(1j * t / 2)])


def phase(lam: float) -> np.ndarray:
    return np.diag([1, cmath.exp(1j * lam)])


def u3(t: float, p: float, lam: float) -> np.ndarray:
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array(
        [[c, -cmath.exp(1j * lam) * s], [cmath.exp(1j * p) * s, cmath.exp(1j * (p + lam)) * c]]
    )


def two_qubit_rotation(pauli: np.ndarray, t: float) -> np.ndarray:
    """exp(-i t/2 P⊗P) = cos(t/2) I - i sin(t/2) P⊗P."""
    return math.cos(t / 2) * np.eye(4) - 1j * math.sin(t / 2) * np.kron(pauli, pauli)


# name -> (number of params, number of controls, number of targets, matrix(*params))
GATES: dict[str, tuple[int, int, int, object]] = {
    "id": (0, 0, 1, lambda: I2),
    "x": (0, 0, 1, lambda: X),
    "y": (0, 0, 1, lambda: Y),
    "z": (0, 0, 1, lambda: Z),
    "h": (0, 0, 1, lambda: H),
    "s": (0, 0, 1, lambda: S),
    "sdg": (0, 0, 1, lambda: S.conj().T),
    "t": (0, 0, 1, lambda: T),
    "tdg": (0, 0, 1, lambda: T.conj().T),
    "sx": (0, 0, 1, lambda: SX),
    "sxdg": (0, 0, 1, lambda: SX.conj().T),
    "rx": (1, 0, 1, rx),
    "ry": (1, 0, 1, ry),
    "rz": (1, 0, 1, rz),
    "p": (1, 0, 1, phase),
    "u": (3, 0, 1, u3),
    "cx": (0, 1, 1, lambda: X),
    "cy": (0, 1, 1, lambda: Y),
    "cz": (0, 1, 1, lambda: Z),
    "ch": (0, 1, 1, lambda: H),
    "cp": (1, 1, 1, phase),
    "crx": (1, 1, 1, rx),
    "cry": (1, 1, 1, ry),
    "crz": (1, 1, 1, rz),
    "cu": (4, 1, 1, lambda t, p, lam, g: cmath.exp(1j * g) * u3(t, p, lam)),
    "swap": (0, 0, 2, lambda: SWAP),
    "iswap": (0, 0, 2, lambda: ISWAP),
    "rxx": (1, 0, 2, lambda t: two_qubit_rotation(X, t)),
    "ryy": (1, 0, 2, lambda t: two_qubit_rotation(Y, t)),
    "rzz": (1, 0, 2, lambda t: two_qubit_rotation(Z, t)),
    "ccx": (0, 2, 1, lambda: X),
    "ccz": (0, 2, 1, lambda: Z),
    "cswap": (0, 1, 2, lambda: SWAP),
}


def random_unitary(rng: np.random.Generator, k: int) -> np.ndarray:
    d = 2**k
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    q, r = np.linalg.qr(a)
    return q * (np.diag(r) / np.abs(np.diag(r)))


# ---- applying operations ---------------------------------------------------------


def apply(psi: np.ndarray, u: np.ndarray, targets: list[int], controls: list[int]) -> np.ndarray:
    """Applies `u` (bit j of its index = targets[j]) where every control is 1."""
    idx = np.arange(psi.size)
    active = np.ones(psi.size, dtype=bool)
    for c in controls:
        active &= ((idx >> c) & 1) == 1
    sub = np.zeros(psi.size, dtype=np.int64)
    base = idx.copy()
    for j, t in enumerate(targets):
        sub |= ((idx >> t) & 1) << j
        base &= ~(1 << t)
    out = np.where(active, 0, psi).astype(complex)
    src = np.nonzero(active)[0]
    for r in range(u.shape[0]):
        dest = base[src].copy()
        for j, t in enumerate(targets):
            dest |= ((r >> j) & 1) << t
        np.add.at(out, dest, u[r, sub[src]] * psi[src])
    return out


def pauli_matrix(n: int, ops: list[tuple[str, int]]) -> np.ndarray:
    """The 2^n x 2^n matrix of a Pauli product (qubit 0 = least significant)."""
    factors = [I2] * n
    for p, q in ops:
        factors[q] = PAULI[p]
    m = np.array([[1]], dtype=complex)
    for q in reversed(range(n)):  # most significant first in a Kronecker product
        m = np.kron(m, factors[q])
    return m


def expectation(psi: np.ndarray, n: int, terms: list[tuple[float, list[tuple[str, int]]]]) -> float:
    total = 0.0
    for coeff, ops in terms:
        total += coeff * float(np.real(np.vdot(psi, pauli_matrix(n, ops) @ psi)))
    return total


def marginal(psi: np.ndarray, qubits: list[int]) -> np.ndarray:
    p = np.abs(psi) ** 2
    idx = np.arange(psi.size)
    out_idx = np.zeros(psi.size, dtype=np.int64)
    for j, q in enumerate(qubits):
        out_idx |= ((idx >> q) & 1) << j
    return np.bincount(out_idx, weights=p, minlength=2 ** len(qubits))


# ---- circuits with measurement: exact branching ------------------------------------


@dataclass
class Branch:
    prob: float
    psi: np.ndarray
    bits: list[int] = field(default_factory=list)


def run_ops(n: int, num_clbits: int, ops: list[tuple]) -> list[Branch]:
    """Runs reference ops; returns every measurement branch with its probability.

    ops: ("gate", matrix, targets, controls, condition) with condition None or
    (clbits, value); ("measure", qubit, clbit); ("reset", qubit).
    """
    psi = np.zeros(2**n, dtype=complex)
    psi[0] = 1
    branches = [Branch(1.0, psi, [0] * num_clbits)]
    for op in ops:
        nxt: list[Branch] = []
        for b in branches:
            if op[0] == "gate":
                _, u, targets, controls, cond = op
                if cond is not None:
                    bits, value = cond
                    reg = sum(b.bits[c] << j for j, c in enumerate(bits))
                    if reg != value:
                        nxt.append(b)
                        continue
                nxt.append(Branch(b.prob, apply(b.psi, u, targets, controls), b.bits))
            else:
                q = op[1]
                idx = np.arange(b.psi.size)
                for outcome in (0, 1):
                    keep = ((idx >> q) & 1) == outcome
                    amp = np.where(keep, b.psi, 0)
                    p = float(np.sum(np.abs(amp) ** 2))
                    if p < 1e-12:
                        continue
                    amp = amp / math.sqrt(p)
                    bits = list(b.bits)
                    if op[0] == "measure":
                        bits[op[2]] = outcome
                    elif outcome == 1:  # reset: flip back to |0>
                        amp = apply(amp, X, [q], [])
                    nxt.append(Branch(b.prob * p, amp, bits))
        branches = nxt
    return branches


def final_state(n: int, ops: list[tuple]) -> np.ndarray:
    [b] = run_ops(n, 0, ops)
    return b.psi
