# mypy: disable-error-code="import-untyped"
"""PennyLane tapes to ferroq circuits.

Wire order: PennyLane is big-endian (the first wire is the most significant bit of a
basis index), ferroq little-endian (qubit 0 is bit 0). Device wire ``i`` (position in
the device's or the tape's wire order) becomes ferroq qubit ``n - 1 - i``, so a ferroq
basis index *is* PennyLane's basis index and state vectors and probabilities need no
permutation. Matrices (``QubitUnitary`` and friends) are handed to ferroq with their
wires reversed, since ferroq's ``Circuit.unitary`` takes ``qubits[0]`` as the matrix's
least significant bit.

Parameters: every gate parameter that may change between executions (all of them when
executing, the trainable ones when differentiating) becomes a named ferroq symbol
``aNNNNN`` (``NNNNN`` = its index in ``tape.get_parameters(trainable_only=False)``), so
one compiled circuit serves every parameter set, a broadcast tape runs as one
``Simulator.run_batch`` call, and the adjoint Jacobian's columns map back to PennyLane's
parameter indices by name. Circuits are cached by their structure (gates, wires and the
values of literal parameters), so an optimiser loop compiles its circuit once; a tape of
plain gates (``TEMPLATE_OPS``, scalar parameters) whose structure was seen before is not
translated again: its parameters are read into the cached ``_Template``.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import pennylane as qml
from pennylane.ops import Conditional, Controlled, MidMeasure

import ferroq

# Widest fixed matrix handed to ferroq as one dense op (the wgpu backend's limit; the
# CPU runs up to 12, but a 2^k x 2^k matrix grows fast). Wider ones are decomposed.
MAX_MATRIX_WIRES = 6

# Widest observable without a Pauli representation (Hermitian, Projector, ...) turned
# into a Pauli sum (at most 4^k terms) so that Rust evaluates it; wider ones are
# measured by PennyLane's own state-vector code on ferroq's state.
MAX_DECOMPOSED_WIRES = 4

# PennyLane ops run as one fixed dense matrix (non-differentiable through the adjoint
# method: the adjoint preprocessing decomposes them when a parameter is trainable).
MATRIX_OPS = frozenset(
    {
        "QubitUnitary",
        "DiagonalQubitUnitary",
        "ControlledQubitUnitary",
        "ECR",
        "SISWAP",
        "SQISW",
        "QubitCarry",
        "QubitSum",
        "IsingXY",
        "PSWAP",
        "SingleExcitation",
        "SingleExcitationMinus",
        "SingleExcitationPlus",
        "DoubleExcitation",
        "DoubleExcitationMinus",
        "DoubleExcitationPlus",
        "OrbitalRotation",
        "MultiRZ",
        "PauliRot",
        "PCPhase",
        "BlockEncode",
    }
)

# name -> (ferroq method, number of PennyLane parameters, number of control wires).
# Parameter and wire order follow PennyLane; ferroq takes (params..., controls..., targets...).
SIMPLE_GATES: dict[str, tuple[str, int]] = {
    "PauliX": ("x", 0),
    "PauliY": ("y", 0),
    "PauliZ": ("z", 0),
    "Hadamard": ("h", 0),
    "S": ("s", 0),
    "T": ("t", 0),
    "SX": ("sx", 0),
    "Adjoint(S)": ("sdg", 0),
    "Adjoint(T)": ("tdg", 0),
    "Adjoint(SX)": ("sxdg", 0),
    "RX": ("rx", 1),
    "RY": ("ry", 1),
    "RZ": ("rz", 1),
    "PhaseShift": ("p", 1),
    "U1": ("p", 1),
    "U3": ("u", 3),
    "CNOT": ("cx", 0),
    "CY": ("cy", 0),
    "CZ": ("cz", 0),
    "CH": ("ch", 0),
    "ControlledPhaseShift": ("cp", 1),
    "CRX": ("crx", 1),
    "CRY": ("cry", 1),
    "CRZ": ("crz", 1),
    "SWAP": ("swap", 0),
    "ISWAP": ("iswap", 0),
    "IsingXX": ("rxx", 1),
    "IsingYY": ("ryy", 1),
    "IsingZZ": ("rzz", 1),
    "Toffoli": ("ccx", 0),
    "CCZ": ("ccz", 0),
    "CSWAP": ("cswap", 0),
}

# Ops whose trainable parameters ferroq's adjoint gradient differentiates natively.
DIFFERENTIABLE = frozenset(
    {n for n, (_, k) in SIMPLE_GATES.items() if k > 0} | {"Rot", "CRot", "U2", "GlobalPhase"}
)
NATIVE = frozenset(SIMPLE_GATES) | {
    "Rot",
    "CRot",
    "U2",
    "GlobalPhase",
    "Identity",
    "MultiControlledX",
    "Barrier",
    "Snapshot",
}


# Ops whose translation depends only on their name, their wires and the values of their
# literal (non-symbolic) parameters: a tape made of them alone is looked up by that
# structure (see `Translator.translate`).
TEMPLATE_OPS = frozenset(SIMPLE_GATES) | {"Rot", "CRot", "U2", "GlobalPhase", "Identity", "Barrier"}


class NeedsExpansion(Exception):
    """A broadcast parameter sits where ferroq needs a fixed value (a matrix)."""


def _householder(psi: np.ndarray) -> tuple[np.ndarray, float]:
    """A unitary U with U|0> = e^{-i alpha} psi, and alpha (so psi = e^{i alpha} U|0>)."""
    psi = np.asarray(psi, dtype=np.complex128)
    psi = psi / np.linalg.norm(psi)
    alpha = float(np.angle(psi[0])) if abs(psi[0]) > 0 else 0.0
    p = psi * np.exp(-1j * alpha)
    v = -p
    v[0] += 1.0
    nv = np.vdot(v, v).real
    u = np.eye(len(p), dtype=np.complex128)
    if nv > 1e-300:
        u -= 2.0 * np.outer(v, v.conj()) / nv
    return u, alpha


class Program:
    """A tape translated for ferroq: the circuit, its symbols and their values."""

    __slots__ = ("batch", "circuit", "names", "phase_terms", "slots", "values")

    def __init__(
        self,
        circuit: ferroq.Circuit,
        names: list[str],
        slots: list[int],
        values: list[Any],
        batch: int | None,
        phase_terms: list[tuple[float, Any]],
    ) -> None:
        self.circuit = circuit
        self.names = names  # symbol names, one per slot
        self.slots = slots  # PennyLane parameter index of each symbol
        self.values = values  # float or (B,) array per symbol
        self.batch = batch
        self.phase_terms = phase_terms  # global phase = sum(coef * value)

    def params(self) -> dict[str, Any]:
        """Values for `Simulator.run` / `gradient` (scalars) or `run_batch` (arrays)."""
        return dict(zip(self.names, self.values))

    def row(self, b: int) -> dict[str, float]:
        return {n: float(v[b]) if np.ndim(v) else float(v) for n, v in zip(self.names, self.values)}

    def phase(self) -> complex | np.ndarray:
        """The global phase factor (an array over the batch when broadcast)."""
        total: Any = 0.0
        for coef, v in self.phase_terms:
            total = total + coef * np.asarray(v, dtype=float)
        return np.exp(1j * np.asarray(total))


# Parameter types known to be scalars without asking numpy (np.ndim: ~0.5 us a call).
_SCALARS = (float, np.float64)


class _Template:
    """What a tape's structure fixes (see ``TEMPLATE_OPS``): the circuit, the PennyLane
    parameter index of each symbol, and the global phase as ``(coefficient, parameter
    index)`` pairs."""

    __slots__ = ("circuit", "names", "phase", "slots")

    def __init__(self, prog: Program, phase: list[tuple[float, int]]) -> None:
        self.circuit = prog.circuit
        self.names = prog.names
        self.slots = prog.slots
        self.phase = phase

    def program(self, params: list[Any]) -> Program:
        """The Program of a tape of this structure with flat parameters ``params``."""
        values: list[Any] = [float(params[k]) for k in self.slots]
        phase = [(c, float(params[k])) for c, k in self.phase]
        return Program(self.circuit, self.names, self.slots, values, None, phase)


def _structure(
    tape: qml.tape.QuantumScript, wire_map: dict[Any, int], symbolic: frozenset[int] | None
) -> tuple[tuple, list[Any]] | None:
    """The structural key of a tape made only of ``TEMPLATE_OPS`` with scalar
    parameters, and its flat parameters; ``None`` for any other tape. The key holds the
    gates, their wires, the wire map, which parameters are symbols and the values of the
    others (literal parameters are compiled into the circuit)."""
    params: list[Any] = []
    parts: list[tuple] = []
    for op in tape.operations:
        name = op.name
        if name not in TEMPLATE_OPS:
            return None
        # a controlled op's `wires` builds a new Wires object on every call (~3 us)
        wires = (op.control_wires, op.target_wires) if isinstance(op, Controlled) else op.wires
        data = op.data
        if data:
            for v in data:
                if type(v) not in _SCALARS and np.ndim(v) != 0:
                    return None  # broadcast
            start = len(params)
            params.extend(data)
            if symbolic is not None and (
                start not in symbolic
                if len(data) == 1
                else any(start + i not in symbolic for i in range(len(data)))
            ):
                literal = tuple(
                    None if start + i in symbolic else float(v) for i, v in enumerate(data)
                )
                parts.append((name, wires, literal))
                continue
        parts.append((name, wires))
    return (tuple(wire_map.items()), symbolic, tuple(parts)), params


def _phase_recipe(tape: qml.tape.QuantumScript) -> list[tuple[float, int]]:
    """The global phase of a tape of ``TEMPLATE_OPS`` as (coefficient, parameter index)
    pairs, as ``Translator.translate`` accumulates it (Rot, GlobalPhase)."""
    recipe: list[tuple[float, int]] = []
    pidx = 0
    for op in tape.operations:
        if op.name == "Rot":
            recipe += [(-0.5, pidx), (-0.5, pidx + 2)]
        elif op.name == "GlobalPhase":
            recipe.append((-1.0, pidx))
        pidx += len(op.data)
    return recipe


class Translator:
    """Translates tapes whose wires are already device indices 0..n-1 (PennyLane order)."""

    def __init__(self, cache_size: int = 64) -> None:
        self._cache: OrderedDict[tuple, ferroq.Circuit] = OrderedDict()
        self._templates: OrderedDict[tuple, _Template] = OrderedDict()
        self._cache_size = cache_size

    def translate(
        self,
        tape: qml.tape.QuantumScript,
        wire_map: dict[Any, int],
        symbolic: frozenset[int] | None,
        extra_ops: list[qml.operation.Operator] | None = None,
        measure_all: bool = False,
    ) -> Program:
        """``wire_map``: wire label -> device index (0 = most significant);
        ``symbolic``: PennyLane parameter indices made symbols (``None``: all);
        ``extra_ops``: fixed gates appended (measurement-basis rotations);
        ``measure_all``: measure every wire at the end, device wire ``j`` into classical
        bit ``m + j`` (``m`` = the number of mid-circuit measurements, which take bits
        ``0..m-1`` in tape order).

        A tape of ``TEMPLATE_OPS`` alone (no extra ops, no final measurements) whose
        structure was translated before is not walked again: its parameters are bound
        to the cached template."""
        found = None
        if extra_ops is None and not measure_all:
            found = _structure(tape, wire_map, symbolic)
            if found is not None:
                template = self._templates.get(found[0])
                if template is not None:
                    self._templates.move_to_end(found[0])
                    return template.program(found[1])
        prog = self._translate(tape, wire_map, symbolic, extra_ops, measure_all)
        if found is not None:
            self._templates[found[0]] = _Template(prog, _phase_recipe(tape))
            if len(self._templates) > self._cache_size:
                self._templates.popitem(last=False)
        return prog

    def _translate(
        self,
        tape: qml.tape.QuantumScript,
        wire_map: dict[Any, int],
        symbolic: frozenset[int] | None,
        extra_ops: list[qml.operation.Operator] | None,
        measure_all: bool,
    ) -> Program:
        """``translate``, walking every operation."""
        n = len(wire_map)
        mcms = [op for op in tape.operations if isinstance(op, MidMeasure)]
        clbit_of: dict[Any, int] = {}
        for k, m in enumerate(mcms):
            clbit_of[id(m)] = k
            clbit_of[m.hash] = k

        def clbit(m: Any) -> int:
            k = clbit_of.get(id(m), clbit_of.get(m.hash))
            if k is None:
                raise qml.exceptions.DeviceError(f"{m} is not measured in this circuit")
            return k

        calls: list[tuple] = []
        names: list[str] = []
        slots: list[int] = []
        values: list[Any] = []
        phase_terms: list[tuple[float, Any]] = []
        # the batch size, from the broadcast parameters met (tape.batch_size would check
        # every operator again: ~4 ms for 100 gates)
        batch: int | None = None
        pidx = 0

        def see(v: Any) -> None:
            nonlocal batch
            if np.ndim(v) != 0:
                batch = int(np.shape(v)[0])

        def q(w: Any) -> int:
            return n - 1 - wire_map[w]

        def param(op: qml.operation.Operator, i: int) -> Any:
            k = pidx + i
            v = op.data[i]
            see(v)
            if symbolic is None or k in symbolic:
                name = f"a{k:05d}"
                names.append(name)
                slots.append(k)
                values.append(
                    float(v) if np.ndim(v) == 0 else np.asarray(v, dtype=float).reshape(-1)
                )
                return name
            if np.ndim(v) != 0:
                raise NeedsExpansion(op.name)
            return float(v)

        def fixed(op: qml.operation.Operator) -> None:
            if op.batch_size is not None:
                raise NeedsExpansion(op.name)

        def matrix(m: np.ndarray, wires: Any) -> None:
            m = np.ascontiguousarray(np.asarray(m, dtype=np.complex128))
            qs = tuple(q(w) for w in reversed(list(wires)))
            calls.append(("unitary", m, qs))

        def emit(op: qml.operation.Operator, first: bool, literal_only: bool) -> None:
            nonlocal pidx
            name = op.name
            nd = len(op.data)
            P = (lambda i: _literal(op, i)) if literal_only else (lambda i: param(op, i))
            ws = [q(w) for w in op.wires]
            if name in SIMPLE_GATES:
                method, k = SIMPLE_GATES[name]
                calls.append((method, *[P(i) for i in range(k)], *ws))
            elif name == "Rot":
                # Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi)
                #                        = exp(-i (phi + omega) / 2) U(theta, omega, phi):
                # one ferroq gate (one adjoint step for three parameters), phase tracked.
                a, b, c = P(0), P(1), P(2)
                calls.append(("u", b, c, a, ws[0]))
                for i in (0, 2):
                    v = op.data[i]
                    phase_terms.append(
                        (-0.5, np.asarray(v, dtype=float) if np.ndim(v) else float(v))
                    )
            elif name == "CRot":
                a, b, c = P(0), P(1), P(2)
                calls.extend(
                    [("crz", a, ws[0], ws[1]), ("cry", b, ws[0], ws[1]), ("crz", c, ws[0], ws[1])]
                )
            elif name == "U2":
                calls.append(("u", float(np.pi / 2), P(0), P(1), ws[0]))
            elif name == "GlobalPhase":
                # GlobalPhase(phi) = exp(-i phi) I: only a state readout sees it.
                v = op.data[0]
                see(v)
                phase_terms.append((-1.0, np.asarray(v, dtype=float) if np.ndim(v) else float(v)))
            elif name in ("Identity", "Barrier", "Snapshot"):
                pass
            elif isinstance(op, MidMeasure):
                # postselection (one-shot) discards shots afterwards, in PennyLane
                calls.append(("measure", ws[0], clbit(op)))
                if op.reset:
                    calls.append(("reset", ws[0]))
            elif isinstance(op, Conditional):
                # the base op once per satisfying assignment of its measurement values,
                # each ferroq instruction conditioned on that assignment (c_if)
                start = len(calls)
                emit(op.base, False, True)
                base = calls[start:]
                del calls[start:]
                clbits = tuple(clbit(m) for m in op.meas_val.measurements)
                for branch, value in op.meas_val.items():
                    if value:
                        v = sum(int(b) << j for j, b in enumerate(branch))
                        for c in base:
                            calls.append(c)
                            calls.append(("c_if", clbits, v))
            elif name == "MultiControlledX":
                cvals = op.hyperparameters.get("control_values") or [True] * (len(ws) - 1)
                zeros = [c for c, v in zip(ws[:-1], cvals) if not v]
                calls.extend([("x", c) for c in zeros])
                calls.append(("mcx", tuple(ws[:-1]), ws[-1]))
                calls.extend([("x", c) for c in zeros])
            elif first and name == "BasisState":
                fixed(op)
                bits = np.asarray(op.data[0]).reshape(-1)
                calls.extend([("x", w) for w, b in zip(ws, bits) if int(b)])
            elif first and name == "StatePrep" and len(ws) <= MAX_MATRIX_WIRES:
                fixed(op)
                u, alpha = _householder(op.state_vector(wire_order=op.wires).reshape(-1))
                matrix(u, op.wires)
                phase_terms.append((1.0, alpha))
            elif name in MATRIX_OPS and len(ws) <= MAX_MATRIX_WIRES and op.has_matrix:
                fixed(op)
                matrix(op.matrix(wire_order=op.wires), op.wires)
            else:
                fixed(op)
                try:
                    subs = op.decomposition()
                except Exception as e:  # PennyLane raises several kinds
                    raise qml.exceptions.DeviceError(
                        f"ferroq.qubit cannot run {name}: no native gate and no decomposition ({e})"
                    ) from e
                for s in subs:
                    emit(s, False, True)
            if not literal_only:
                pidx += nd

        for i, op in enumerate(tape.operations):
            emit(op, i == 0, False)
        for op in extra_ops or ():
            emit(op, False, True)
        num_clbits = 0
        if measure_all:
            calls.extend(("measure", n - 1 - j, len(mcms) + j) for j in range(n))
            num_clbits = len(mcms) + n

        key = (n, num_clbits, tuple(_key_item(c) for c in calls))
        circuit = self._cache.get(key)
        if circuit is None:
            circuit = ferroq.Circuit(max(n, 1), num_clbits)
            for c in calls:
                getattr(circuit, c[0])(*c[1:])
            self._cache[key] = circuit
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return Program(circuit, names, slots, values, batch, phase_terms)


def _literal(op: qml.operation.Operator, i: int) -> float:
    v = op.data[i]
    if np.ndim(v) != 0:
        raise NeedsExpansion(op.name)
    return float(v)


def _key_item(call: tuple) -> tuple:
    if call[0] == "unitary":
        m = call[1]
        return ("unitary", m.shape, m.tobytes(), call[2])
    return call


# --------------------------------------------------------------------------- observables


def pauli_sentence(obs: qml.operation.Operator) -> Any | None:
    """The observable as a PennyLane PauliSentence with real coefficients, or None."""
    ps = getattr(obs, "pauli_rep", None)
    if ps is None and len(obs.wires) <= MAX_DECOMPOSED_WIRES and obs.has_matrix:
        # Hadamard, Hermitian, Projector, products with them: 4^k Pauli terms at most
        try:
            ps = qml.pauli_decompose(obs.matrix(), wire_order=obs.wires, pauli=True)
        except Exception:  # noqa: BLE001
            return None
    if ps is None:
        return None
    for c in ps.values():
        if not isinstance(c, float) and abs(complex(c).imag) > 1e-10:
            return None
    return ps


def to_observable(ps: Any, wire_map: dict[Any, int]) -> ferroq.Observable:
    """A PauliSentence over device wires as a ferroq Observable."""
    top = len(wire_map) - 1
    terms = [
        (complex(c).real, [(p, top - wire_map[w]) for w, p in word.items()])
        for word, c in ps.items()
    ]
    if not terms:
        terms = [(0.0, [])]
    return ferroq.Observable.from_terms(terms)
