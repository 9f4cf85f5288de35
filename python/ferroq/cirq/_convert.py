"""``cirq.Circuit`` -> ``ferroq.Circuit`` with sympy parameters kept symbolic.

Cirq orders a basis index big-endian over ``qubit_order`` (the first qubit is the most
significant bit); ferroq little-endian. Cirq qubit ``j`` of ``n`` becomes ferroq qubit
``n - 1 - j``, so ferroq's state vector *is* Cirq's, index for index, and a Cirq gate
matrix on ``(a, b, ...)`` (``a`` most significant) is a ferroq ``unitary`` on the
mapped qubits in reverse order.
"""

# mypy: ignore-missing-imports
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import cirq
import numpy as np
import sympy

import ferroq

# Ops without symbols of at most this many qubits run as one matrix.
_MATRIX_MAX_QUBITS = 4


class Affine:
    """``const + Σ coeff * name``: a ferroq affine parameter expression."""

    __slots__ = ("const", "coeffs")

    def __init__(self, const: float = 0.0, coeffs: dict[str, float] | None = None) -> None:
        self.const = float(const)
        self.coeffs = dict(coeffs or {})

    def __add__(self, other: Affine | float) -> Affine:
        if not isinstance(other, Affine):
            other = Affine(float(other))
        out = Affine(self.const + other.const, self.coeffs)
        for k, v in other.coeffs.items():
            out.coeffs[k] = out.coeffs.get(k, 0.0) + v
        return out

    __radd__ = __add__

    def __mul__(self, k: float) -> Affine:
        return Affine(self.const * k, {n: c * k for n, c in self.coeffs.items()})

    __rmul__ = __mul__

    def __neg__(self) -> Affine:
        return self * -1.0

    @property
    def symbolic(self) -> bool:
        return any(c != 0.0 for c in self.coeffs.values())

    def value(self) -> float | str:
        """A float, or a ferroq expression string."""
        terms = [f"{c!r}*{n}" for n, c in sorted(self.coeffs.items()) if c != 0.0]
        if not terms:
            return self.const
        if self.const != 0.0:
            terms.append(repr(self.const))
        return " + ".join(terms)


def symbol_name(symbol: sympy.Symbol, taken: dict[str, str]) -> str:
    """The ferroq name of a sympy symbol (its name, other characters replaced by
    ``_``)."""
    if symbol.name in taken:
        return taken[symbol.name]
    base = re.sub(r"\W", "_", symbol.name).strip("_") or "s"
    if base[0].isdigit():
        base = "_" + base
    if base in ("pi", "π"):
        base += "_"
    name, k = base, 1
    used = set(taken.values())
    while name in used:
        name = f"{base}_{k}"
        k += 1
    taken[symbol.name] = name
    return name


@dataclass
class Converted:
    circuit: ferroq.Circuit
    qubits: list[cirq.Qid]
    # sympy symbol name -> ferroq name
    names: dict[str, str]
    # measurement key -> list of instances, each a list of (clbit, inverted) per qubit
    keys: dict[str, list[list[tuple[int, bool]]]] = field(default_factory=dict)
    # (qubit, clbit) of terminal measurements when they were deferred, else None
    terminal: list[tuple[int, int]] | None = None
    has_measure: bool = False
    # Reset or classical control: a run is one random trajectory.
    stochastic: bool = False


class _Walker:
    def __init__(self, qubits: list[cirq.Qid], defer: bool, num_clbits: int) -> None:
        self.n = len(qubits)
        self.index = {q: self.n - 1 - j for j, q in enumerate(qubits)}
        self.out = ferroq.Circuit(self.n, num_clbits)
        self.names: dict[str, str] = {}
        self.phase = Affine()
        self.defer = defer
        self.keys: dict[str, list[list[tuple[int, bool]]]] = {}
        self.clbit = 0
        self.terminal: list[tuple[int, int]] = []
        self.measured: set[int] = set()
        self.mid = False
        self.has_measure = False
        # Set for the rebuild of a circuit whose measurements are all terminal.
        self.skip_measure = False

    def affine(self, value: Any, scale: float = 1.0) -> Affine:
        """``value * scale`` for a number or an affine sympy expression."""
        if isinstance(value, sympy.Basic):
            expr = sympy.sympify(value)
            free = sorted(expr.free_symbols, key=lambda s: s.name)
            coeffs: dict[str, float] = {}
            for s in free:
                d = sympy.diff(expr, s)
                if d.free_symbols:
                    raise ferroq.ParameterError(
                        f"parameter expression `{value}` is not affine in `{s}`; ferroq "
                        "supports number * symbol + number sums"
                    )
                coeffs[symbol_name(s, self.names)] = float(d) * scale
            const = float(expr.subs({s: 0 for s in free})) * scale
            return Affine(const, coeffs)
        return Affine(float(value) * scale)

    def walk_op(self, op: cirq.Operation, cond: tuple[list[int], int] | None, depth: int) -> None:
        if depth > 64:
            raise ferroq.CircuitError("operation decompositions nest more than 64 deep")
        qs = [self.index[q] for q in op.qubits]
        if isinstance(op, cirq.ClassicallyControlledOperation):
            if cond is not None:
                raise ferroq.UnsupportedError("nested classical controls are not supported")
            self.mid = True
            c = self._condition(op)
            self.walk_op(op.without_classical_controls(), c, depth + 1)
            return
        gate = op.gate
        if isinstance(gate, cirq.MeasurementGate):
            if not self.skip_measure:
                self._measure(op, gate, qs, cond)
            return
        if self.defer and any(q in self.measured for q in qs):
            self.mid = True
        if isinstance(gate, cirq.ResetChannel):
            self.mid = True
            self.out.reset(qs[0])
            self._cond(cond)
            return
        if cond is not None:
            self.mid = True
        if isinstance(gate, cirq.IdentityGate):
            return
        if isinstance(gate, cirq.GlobalPhaseGate):
            coef = gate.coefficient
            if isinstance(coef, sympy.Basic):
                raise ferroq.ParameterError(f"symbolic global phase `{coef}` is not supported")
            if cond is None:
                self.phase = self.phase + float(np.angle(complex(coef)))
            return
        if self._native(op, gate, qs, cond):
            return
        symbolic = cirq.is_parameterized(op)
        if not symbolic and len(qs) <= _MATRIX_MAX_QUBITS and cirq.has_unitary(op):
            u = cirq.unitary(op)
            self.out.unitary(u, qs[::-1])
            self._cond(cond)
            return
        if not cirq.has_unitary(op) and (cirq.has_mixture(op) or cirq.has_kraus(op)):
            raise ferroq.UnsupportedError(
                f"`{op}` is a noise channel; ferroq simulates pure states (no noise models)"
            )
        parts = cirq.decompose_once(op, default=None)
        if parts is None:
            if not symbolic and cirq.has_unitary(op):
                self.out.unitary(cirq.unitary(op), qs[::-1])
                self._cond(cond)
                return
            raise ferroq.UnsupportedError(
                f"cannot convert `{op}`: not a gate ferroq knows, "
                + ("its parameters are symbolic and " if symbolic else "")
                + "it has no decomposition"
            )
        for sub in parts:
            self.walk_op(sub, cond, depth + 1)

    def _cond(self, cond: tuple[list[int], int] | None) -> None:
        if cond is not None:
            self.out.c_if(cond[0], cond[1])

    def _condition(self, op: cirq.ClassicallyControlledOperation) -> tuple[list[int], int]:
        conds = op.classical_controls
        if len(conds) != 1 or not isinstance(next(iter(conds)), cirq.KeyCondition):
            raise ferroq.UnsupportedError(
                f"classical control `{op}`: only one cirq.KeyCondition is supported"
            )
        kc = next(iter(conds))
        name = str(getattr(kc, "key"))
        inst = self.keys.get(name)
        if not inst or len(inst[-1]) != 1 or getattr(kc, "index", -1) != -1:
            raise ferroq.UnsupportedError(
                f"classical control on `{name}`: only keys of one measured qubit, measured "
                "before the control, are supported"
            )
        clbit, inverted = inst[-1][0]
        return [clbit], 0 if inverted else 1

    def _measure(
        self,
        op: cirq.Operation,
        gate: cirq.MeasurementGate,
        qs: list[int],
        cond: tuple[list[int], int] | None,
    ) -> None:
        if cond is not None:
            raise ferroq.UnsupportedError("a classically controlled measurement is not supported")
        if gate.confusion_map:
            raise ferroq.UnsupportedError(
                f"measurement `{gate.key}` has a confusion map, which ferroq does not simulate"
            )
        mask = gate.full_invert_mask()
        bits = []
        for q, inv in zip(qs, mask):
            c = self.clbit
            self.clbit += 1
            self.out.measure(q, c)
            self.terminal.append((q, c))
            self.measured.add(q)
            bits.append((c, bool(inv)))
        self.has_measure = True
        self.keys.setdefault(str(gate.key), []).append(bits)

    def _native(
        self, op: cirq.Operation, gate: Any, qs: list[int], cond: tuple[list[int], int] | None
    ) -> bool:
        """Emits the native ferroq form of Cirq's common gates (symbolic exponents
        included) and adds their global phase; False when ``gate`` is not one."""
        out = self.out
        pi = math.pi
        if isinstance(gate, cirq.EigenGate):
            t, s = gate.exponent, gate._global_shift
            if isinstance(s, sympy.Basic):
                return False
        if isinstance(gate, (cirq.XPowGate, cirq.YPowGate)):
            theta = self.affine(t, pi)
            (out.rx if isinstance(gate, cirq.XPowGate) else out.ry)(theta.value(), qs[0])
            self._cond(cond)
            self._add_phase(self.affine(t, pi * (s + 0.5)), cond)
            return True
        if isinstance(gate, cirq.ZPowGate):
            out.p(self.affine(t, pi).value(), qs[0])
            self._cond(cond)
            self._add_phase(self.affine(t, pi * s), cond)
            return True
        if isinstance(gate, cirq.CZPowGate):
            out.cp(self.affine(t, pi).value(), qs[0], qs[1])
            self._cond(cond)
            self._add_phase(self.affine(t, pi * s), cond)
            return True
        if isinstance(gate, cirq.CXPowGate):
            th = self.affine(t, pi)
            if not th.symbolic and th.const == pi:
                out.cx(qs[0], qs[1])
            else:
                out.cu(th.value(), -pi / 2, pi / 2, (th * 0.5).value(), qs[0], qs[1])
            self._cond(cond)
            self._add_phase(self.affine(t, pi * s), cond)
            return True
        if isinstance(gate, (cirq.XXPowGate, cirq.YYPowGate, cirq.ZZPowGate)):
            m: dict[type, Any] = {cirq.XXPowGate: out.rxx, cirq.YYPowGate: out.ryy, cirq.ZZPowGate: out.rzz}
            m[type(gate)](self.affine(t, pi).value(), qs[0], qs[1])
            self._cond(cond)
            self._add_phase(self.affine(t, pi * (s + 0.5)), cond)
            return True
        if isinstance(gate, cirq.PhasedXPowGate):
            p, t = gate.phase_exponent, gate.exponent
            s = gate._global_shift
            out.rz((-self.affine(p, pi)).value(), qs[0])
            self._cond(cond)
            out.rx(self.affine(t, pi).value(), qs[0])
            self._cond(cond)
            out.rz(self.affine(p, pi).value(), qs[0])
            self._cond(cond)
            self._add_phase(self.affine(t, pi * (s + 0.5)), cond)
            return True
        if cirq.is_parameterized(op):
            return False
        fixed: dict[Any, Any] = {
            cirq.H: out.h, cirq.CCX: out.ccx, cirq.CCZ: out.ccz, cirq.SWAP: out.swap,
            cirq.ISWAP: out.iswap, cirq.CSWAP: out.cswap,
        }  # fmt: skip
        for g, method in fixed.items():
            if gate == g:
                method(*qs)
                self._cond(cond)
                return True
        return False

    def _add_phase(self, phase: Affine, cond: tuple[list[int], int] | None) -> None:
        # A phase inside a classically controlled branch is global within that branch.
        if cond is None:
            self.phase = self.phase + phase


def _prepend_phase(circuit: ferroq.Circuit, phase: Affine) -> ferroq.Circuit:
    if circuit.num_qubits == 0:
        return circuit
    head = ferroq.Circuit(circuit.num_qubits, circuit.num_clbits)
    if not phase.symbolic:
        if math.remainder(phase.const, 2 * math.pi) == 0.0:
            return circuit
        head.unitary(np.exp(1j * phase.const) * np.eye(2), [0])
    else:
        # rz(-2φ) p(2φ) = e^{iφ} I
        head.rz((phase * -2.0).value(), 0).p((phase * 2.0).value(), 0)
    return head + circuit


def convert(
    circuit: cirq.AbstractCircuit,
    qubit_order: cirq.QubitOrderOrList = cirq.QubitOrder.DEFAULT,
    *,
    defer_measure: bool = False,
    extra_qubits: Any = (),
) -> Converted:
    """Converts ``circuit``; with ``defer_measure``, measurements that end the circuit
    are left out (``terminal`` lists them) unless some feed later operations."""
    if any(isinstance(op.untagged, cirq.CircuitOperation) for op in circuit.all_operations()):
        circuit = cirq.unroll_circuit_op(circuit, deep=True, tags_to_check=None)
    qubits = list(
        cirq.QubitOrder.as_qubit_order(qubit_order).order_for(
            set(circuit.all_qubits()) | set(extra_qubits)
        )
    )
    if any(q.dimension != 2 for q in qubits):
        raise ferroq.UnsupportedError("ferroq simulates qubits only (every Qid of dimension 2)")
    nclbits = sum(
        cirq.num_qubits(op)
        for op in circuit.all_operations()
        if isinstance(_unwrap(op).gate, cirq.MeasurementGate)
    )
    w = _Walker(qubits, defer_measure, nclbits)
    for op in circuit.all_operations():
        w.walk_op(op, None, 0)
    out = w.out
    terminal = None
    if defer_measure and not w.mid:
        terminal = w.terminal
        w2 = _Walker(qubits, False, nclbits)
        w2.names = w.names
        w2.skip_measure = True  # at any depth of decomposition
        for op in circuit.all_operations():
            w2.walk_op(op, None, 0)
        out = w2.out
    out = _prepend_phase(out, w.phase)
    return Converted(
        circuit=out,
        qubits=qubits,
        names=w.names,
        keys=w.keys,
        terminal=terminal,
        has_measure=w.has_measure,
        stochastic=w.mid,
    )


def _unwrap(op: cirq.Operation) -> cirq.Operation:
    while isinstance(op, cirq.ClassicallyControlledOperation):
        op = op.without_classical_controls()
    return op


def from_cirq(
    circuit: cirq.AbstractCircuit, qubit_order: cirq.QubitOrderOrList = cirq.QubitOrder.DEFAULT
) -> ferroq.Circuit:
    """A ``ferroq.Circuit`` for ``circuit``: Cirq qubit ``j`` of ``qubit_order`` becomes
    ferroq qubit ``n - 1 - j`` (so state vectors agree index for index); sympy symbols
    become ferroq parameters of the same name, affine expressions affine ferroq
    expressions; measurements write classical bits in the order they appear."""
    return convert(circuit, qubit_order).circuit
