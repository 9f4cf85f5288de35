"""Qiskit ``QuantumCircuit`` <-> ``ferroq.Circuit`` by walking ``circuit.data``.

Parameters stay symbolic: every Qiskit ``Parameter`` (``ParameterVector`` elements
included) becomes a ferroq parameter name, and every affine ``ParameterExpression``
(``2*theta + 0.1``, ``a - b/2``) becomes a ferroq affine expression over those names.
"""

# mypy: ignore-missing-imports
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from qiskit.circuit import (
    ClassicalRegister,
    Clbit,
    ControlFlowOp,
    Gate,
    IfElseOp,
    Parameter,
    ParameterExpression,
    QuantumCircuit,
)

import ferroq

# Qiskit gate name -> (ferroq builder method, number of parameters, qubits). Controls are
# the leading qubits, as in both libraries.
_DIRECT: dict[str, tuple[str, int, int]] = {
    "id": ("id", 0, 1),
    "x": ("x", 0, 1),
    "y": ("y", 0, 1),
    "z": ("z", 0, 1),
    "h": ("h", 0, 1),
    "s": ("s", 0, 1),
    "sdg": ("sdg", 0, 1),
    "t": ("t", 0, 1),
    "tdg": ("tdg", 0, 1),
    "sx": ("sx", 0, 1),
    "sxdg": ("sxdg", 0, 1),
    "rx": ("rx", 1, 1),
    "ry": ("ry", 1, 1),
    "rz": ("rz", 1, 1),
    "p": ("p", 1, 1),
    "u1": ("p", 1, 1),
    "u": ("u", 3, 1),
    "u3": ("u", 3, 1),
    "cx": ("cx", 0, 2),
    "cy": ("cy", 0, 2),
    "cz": ("cz", 0, 2),
    "ch": ("ch", 0, 2),
    "cp": ("cp", 1, 2),
    "cu1": ("cp", 1, 2),
    "crx": ("crx", 1, 2),
    "cry": ("cry", 1, 2),
    "crz": ("crz", 1, 2),
    "cu": ("cu", 4, 2),
    "swap": ("swap", 0, 2),
    "iswap": ("iswap", 0, 2),
    "rxx": ("rxx", 1, 2),
    "ryy": ("ryy", 1, 2),
    "rzz": ("rzz", 1, 2),
    "ccx": ("ccx", 0, 3),
    "ccz": ("ccz", 0, 3),
    "cswap": ("cswap", 0, 3),
}
_MCX = {"mcx", "mcx_gray", "mcx_recursive", "mcx_vchain", "mcx_noancilla", "c3x", "c4x"}
_SKIP = {"delay"}
# Gates of at most this many qubits without symbolic parameters run as one matrix.
_MATRIX_MAX_QUBITS = 3
# Unknown gates whose matrix is used when they have no definition (the CPU's widest op).
_MATRIX_LIMIT = 12


class _Unsupported(ferroq.UnsupportedError):
    pass


@functools.lru_cache(maxsize=4096)
def _sanitized(name: str) -> str:
    base = re.sub(r"\W", "_", name).strip("_") or "p"
    if base[0].isdigit():
        base = "_" + base
    if base in ("pi", "π"):
        base = base + "_"
    return base


def _name_for(param: Parameter, taken: set[str]) -> str:
    """A ferroq parameter name for a Qiskit parameter: its own name where the ferroq
    expression grammar accepts it, else with every other character replaced by ``_``
    (``θ[3]`` becomes ``θ_3``), made unique."""
    base = _sanitized(param.name)
    name, k = base, 1
    while name in taken:
        name = f"{base}_{k}"
        k += 1
    taken.add(name)
    return name


def parameter_names(circuit: QuantumCircuit) -> dict[Parameter, str]:
    """The ferroq name ``from_qiskit`` gives to each parameter of ``circuit`` (in
    ``circuit.parameters`` order)."""
    taken: set[str] = set()
    return {p: _name_for(p, taken) for p in circuit.parameters}


def _real(value: Any, what: str) -> float:
    z = complex(value)
    if abs(z.imag) > 1e-12 * max(1.0, abs(z.real)):
        raise ferroq.ParameterError(f"{what} is complex ({z}); ferroq gate parameters are real")
    return z.real


def _param(value: Any, names: dict[Parameter, str]) -> float | str:
    """A gate parameter as a float or a ferroq affine expression string."""
    if isinstance(value, Parameter):  # a plain symbol (ParameterVector elements too)
        return names[value]
    if isinstance(value, ParameterExpression):
        params = value.parameters
        if not params:
            return _real(value, f"parameter `{value}`")
        coeffs: list[tuple[float, str]] = []
        for p in sorted(params, key=lambda q: q.name):
            g = value.gradient(p)
            if isinstance(g, ParameterExpression) and g.parameters:
                raise ferroq.ParameterError(
                    f"parameter expression `{value}` is not affine in its parameters "
                    f"(d/d{p.name} = `{g}`); ferroq supports number * parameter + number sums"
                )
            coeffs.append((_real(g, f"the coefficient of {p.name} in `{value}`"), names[p]))
        const = _real(value.bind({p: 0.0 for p in params}), f"the constant of `{value}`")
        terms = [f"{c!r}*{n}" for c, n in coeffs if c != 0.0]
        if const != 0.0 or not terms:
            terms.append(repr(const))
        return " + ".join(terms)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return _real(value, f"parameter `{value!r}`")


def _phase_sum(a: Any, b: Any) -> Any:
    return a + b


@dataclass
class Converted:
    """A converted circuit and what the primitives need to read it back."""

    circuit: ferroq.Circuit
    names: dict[Parameter, str]
    # (register name, [clbit index, ...]) in circuit.cregs order.
    registers: list[tuple[str, list[int]]]
    # Set when measurements were deferred: (qubit, clbit) in circuit order.
    terminal: list[tuple[int, int]] | None = None
    # Qiskit qubit index -> ferroq qubit, None for an idle qubit left out (truncate).
    qubit_map: list[int | None] = field(default_factory=list)
    has_measure: bool = False
    # Reset or classical conditions: a run is one random trajectory.
    stochastic: bool = False
    global_phase: Any = 0.0
    notes: list[str] = field(default_factory=list)


class _Walker:
    def __init__(
        self,
        qc: QuantumCircuit,
        names: dict[Parameter, str],
        defer_measure: bool,
        width: int | None = None,
    ) -> None:
        self.top = qc
        self.names = names
        self.out = ferroq.Circuit(qc.num_qubits if width is None else width, qc.num_clbits)
        self.phase: Any = qc.global_phase
        self.defer = defer_measure
        self.terminal: list[tuple[int, int]] = []
        self.measured: set[int] = set()
        self.mid_circuit = False
        self.has_measure = False
        # Set for the rebuild of a circuit whose measurements are all terminal.
        self.skip_measure = False

    # -- helpers -----------------------------------------------------------------------
    def p(self, v: Any) -> float | str:
        return _param(v, self.names)

    def _touch(self, qubits: list[int]) -> None:
        if self.defer and any(q in self.measured for q in qubits):
            self.mid_circuit = True

    def _cond(self, cond: tuple[list[int], int] | None) -> None:
        if cond is not None:
            self.out.c_if(cond[0], cond[1])

    # -- the walk ----------------------------------------------------------------------
    def walk(
        self,
        qc: QuantumCircuit,
        qmap: list[int],
        cmap: list[int],
        cond: tuple[list[int], int] | None,
        depth: int = 0,
    ) -> None:
        if depth > 64:
            raise ferroq.CircuitError("gate definitions nest more than 64 deep")
        qindex = {q: qmap[i] for i, q in enumerate(qc.qubits)}
        cindex = {c: cmap[i] for i, c in enumerate(qc.clbits)} if cmap else {}
        for inst in qc.data:
            op = inst.operation
            qs = [qindex[q] for q in inst.qubits]
            cs = [cindex[c] for c in inst.clbits] if inst.clbits else []
            self.emit(op, qs, cs, cond, qc, depth)

    def emit(
        self,
        op: Any,
        qs: list[int],
        cs: list[int],
        cond: tuple[list[int], int] | None,
        qc: QuantumCircuit,
        depth: int,
    ) -> None:
        name = op.name
        if name in _DIRECT and cond is None and not self.defer:
            self._gate(op, qs, cond, depth, cs)  # the common case first
            return
        if name in _SKIP:
            return
        if name == "barrier":
            qs = [q for q in qs if q is not None]  # idle qubits left out by truncate
            if qs:
                self.out.barrier(qs)
            return
        if name == "measure":
            if self.skip_measure:
                return
            self.has_measure = True
            if cond is not None:
                self.mid_circuit = True
            self.measured.add(qs[0])
            self.terminal.append((qs[0], cs[0]))
            self.out.measure(qs[0], cs[0])
            self._cond(cond)
            return
        if name == "reset":
            self.mid_circuit = True
            self.out.reset(qs[0])
            self._cond(cond)
            return
        if name == "global_phase":
            if cond is not None:
                raise _Unsupported("a conditional global phase is not supported")
            self.phase = _phase_sum(self.phase, op.params[0])
            return
        if isinstance(op, IfElseOp):
            self._if_else(op, qs, cs, cond, qc, depth)
            return
        if isinstance(op, ControlFlowOp):
            raise _Unsupported(
                f"control-flow operation `{name}` is not supported (only `if_test` on a "
                "classical bit or register is)"
            )
        if cond is not None or self.defer:
            self._touch(qs)
            if cond is not None:
                self.mid_circuit = True
        self._gate(op, qs, cond, depth, cs)

    def _if_else(
        self,
        op: IfElseOp,
        qs: list[int],
        cs: list[int],
        cond: tuple[list[int], int] | None,
        qc: QuantumCircuit,
        depth: int,
    ) -> None:
        if cond is not None:
            raise _Unsupported("nested `if_test` blocks are not supported")
        target, value = op.condition if isinstance(op.condition, tuple) else (None, None)
        if isinstance(target, Clbit):
            bits, val = [self._outer_clbit(qc, target)], int(bool(value))
        elif isinstance(target, ClassicalRegister):
            bits, val = [self._outer_clbit(qc, b) for b in target], int(value)  # type: ignore[arg-type]
        else:
            raise _Unsupported(
                f"the `if_test` condition `{op.condition}` is not supported: only (Clbit, "
                "bool) and (ClassicalRegister, int) conditions are"
            )
        self.mid_circuit = True
        true_body, false_body = op.blocks[0], (op.blocks[1] if len(op.blocks) > 1 else None)
        blocks = [(true_body, val)]
        if false_body is not None and len(false_body.data) > 0:
            if len(bits) != 1:
                raise _Unsupported(
                    "an `else` branch is supported only for a condition on one classical bit"
                )
            blocks.append((false_body, 1 - val))
        for body, v in blocks:
            qmap = [qs[k] for k in range(len(body.qubits))]
            cmap = [cs[k] for k in range(len(body.clbits))]
            self.walk(body, qmap, cmap, (bits, v), depth + 1)

    def _outer_clbit(self, qc: QuantumCircuit, bit: Clbit) -> int:
        try:
            return self.top.find_bit(bit).index
        except Exception:
            return qc.find_bit(bit).index

    def _gate(
        self,
        op: Any,
        qs: list[int],
        cond: tuple[list[int], int] | None,
        depth: int,
        cs: list[int] | None = None,
    ) -> None:
        name = op.name
        spec = _DIRECT.get(name)
        direct = (spec is not None and spec[2] == len(qs) and len(op.params) == spec[1]) or (
            name in _MCX or name == "u2" or name == "r"
        )
        open_ctrls: list[int] = []
        if direct and (name in _MCX or (spec is not None and spec[2] > 1)):
            nctrl = getattr(op, "num_ctrl_qubits", 0) or 0
            ctrl_state = getattr(op, "ctrl_state", None)
            if nctrl and ctrl_state is not None and ctrl_state != (1 << nctrl) - 1:
                open_ctrls = [qs[k] for k in range(nctrl) if not (ctrl_state >> k) & 1]
        if direct:
            for q in open_ctrls:
                self.out.x(q)
                self._cond(cond)
            self._direct(op, qs)
            self._cond(cond)
            for q in open_ctrls:
                self.out.x(q)
                self._cond(cond)
            return
        symbolic = any(
            isinstance(v, ParameterExpression) and v.parameters for v in op.params
        )
        definition = None
        if name == "unitary" and not op.num_clbits and op.num_qubits <= _MATRIX_LIMIT:
            # A UnitaryGate is its matrix; its definition is an approximate synthesis.
            self.out.unitary(np.asarray(op.to_matrix(), dtype=complex), qs)
            self._cond(cond)
            return
        if symbolic or op.num_qubits > _MATRIX_MAX_QUBITS:
            definition = _definition(op)
        if definition is None and not symbolic and not op.num_clbits:
            m = _matrix(op) if op.num_qubits <= _MATRIX_LIMIT else None
            if m is not None:
                self.out.unitary(m, qs)
                self._cond(cond)
                return
        if definition is None:
            definition = _definition(op)
        if definition is None:
            raise _Unsupported(
                f"cannot convert `{name}` on {op.num_qubits} qubits: it has no matrix "
                "ferroq can use and no definition"
                + (" (its parameters are symbolic)" if symbolic else "")
            )
        if cond is not None and definition.global_phase != 0:
            pass  # a conditional global phase is unobservable within one branch's state
        else:
            self.phase = _phase_sum(self.phase, definition.global_phase)
        self.walk(definition, qs, list(cs or []), cond, depth + 1)

    def _direct(self, op: Any, qs: list[int]) -> None:
        name = op.name
        out = self.out
        if name in _MCX:
            k = op.num_ctrl_qubits
            if k == 0:
                out.x(qs[0])
            else:
                out.mcx(qs[:k], qs[k])
            return
        if name == "u2":
            phi, lam = (self.p(v) for v in op.params)
            out.u(math.pi / 2, phi, lam, qs[0])
            return
        if name == "r":
            theta, phi = op.params
            out.u(self.p(theta), self.p(phi - math.pi / 2), self.p(-phi + math.pi / 2), qs[0])
            return
        method, nparams, _ = _DIRECT[name]
        params = [self.p(v) for v in op.params]
        if name == "cu3":  # Qiskit's cu3 is cu with gamma = 0
            params.append(0.0)
        getattr(out, method)(*params, *qs)


_DIRECT["cu3"] = ("cu", 3, 2)


def _definition(op: Any) -> QuantumCircuit | None:
    try:
        return op.definition
    except Exception:
        return None


def _matrix(op: Any) -> np.ndarray | None:
    try:
        if hasattr(op, "to_matrix"):
            return np.asarray(op.to_matrix(), dtype=complex)
    except Exception:
        pass
    try:
        from qiskit.quantum_info import Operator

        return np.asarray(Operator(op).data, dtype=complex)
    except Exception:
        return None


def _prepend_phase(
    circuit: ferroq.Circuit, phase: Any, names: dict[Parameter, str]
) -> ferroq.Circuit:
    """``circuit`` with the global phase ``phase`` (a number or an affine expression)
    applied first, as ``rz(-2φ) p(2φ)`` on qubit 0 (= ``e^{iφ} I``)."""
    if circuit.num_qubits == 0:
        return circuit
    if not (isinstance(phase, ParameterExpression) and phase.parameters):
        value = _real(phase, "the global phase")
        if value % (2 * math.pi) == 0.0:
            return circuit
        u = np.exp(1j * value) * np.eye(2)
        head = ferroq.Circuit(circuit.num_qubits, circuit.num_clbits).unitary(u, [0])
        return head + circuit
    head = ferroq.Circuit(circuit.num_qubits, circuit.num_clbits)
    head.rz(_param(-2 * phase, names), 0).p(_param(2 * phase, names), 0)
    return head + circuit


def _active_qubits(qc: QuantumCircuit) -> list[bool]:
    active = [False] * qc.num_qubits
    for inst in qc.data:
        if inst.operation.name in ("barrier", "delay"):
            continue
        for q in inst.qubits:
            active[qc.find_bit(q).index] = True
    return active


def convert(
    qc: QuantumCircuit, *, defer_measure: bool = False, truncate: bool = False
) -> Converted:
    """Converts ``qc``; with ``defer_measure``, measurements that end the circuit are
    left out and listed in ``terminal`` (``None`` when some measurement feeds later
    operations, in which case they are kept in the circuit). With ``truncate``, qubits
    no instruction touches (an ISA circuit's idle physical qubits) are left out and
    ``qubit_map`` says where the others went (their order kept)."""
    if not isinstance(qc, QuantumCircuit):
        raise TypeError(f"expected a qiskit QuantumCircuit, got {type(qc).__name__}")
    names = parameter_names(qc)
    n, m = qc.num_qubits, qc.num_clbits
    qubit_map: list[int | None] = list(range(n))
    if truncate:
        active = _active_qubits(qc)
        if not all(active):
            k = 0
            for i, a in enumerate(active):
                qubit_map[i] = k if a else None
                k += int(a)
            if k == 0:  # nothing acts: keep one qubit to hold |0>
                qubit_map[0], k = 0, 1
    width = max((q for q in qubit_map if q is not None), default=-1) + 1
    # Idle qubits map to None: only barriers name them, and drop them.
    w = _Walker(qc, names, defer_measure, width)
    w.walk(qc, qubit_map, list(range(m)), None)  # type: ignore[arg-type]
    registers = [(r.name, [qc.find_bit(b).index for b in r]) for r in qc.cregs]
    circuit = w.out
    terminal: list[tuple[int, int]] | None = None
    if defer_measure and not w.mid_circuit:
        terminal = w.terminal
        # Rebuild without the measurements (at any depth): a second walk that skips them.
        w2 = _Walker(qc, names, False, width)
        w2.skip_measure = True
        w2.walk(qc, qubit_map, list(range(m)), None)  # type: ignore[arg-type]
        circuit = w2.out
    circuit = _prepend_phase(circuit, w.phase, names)
    return Converted(
        circuit=circuit,
        names=names,
        registers=registers,
        terminal=terminal,
        has_measure=w.has_measure,
        stochastic=w.mid_circuit,
        global_phase=w.phase,
        qubit_map=qubit_map,
    )


def from_qiskit(circuit: QuantumCircuit) -> ferroq.Circuit:
    """Converts a Qiskit ``QuantumCircuit`` into a ``ferroq.Circuit`` (same qubit and
    clbit indices: little-endian, several registers numbered in the circuit's order).

    Every standard gate maps to the native ferroq gate; other gates go through their
    matrix (up to 3 qubits, numeric parameters) or their definition. Parameters stay
    symbolic: a ``Parameter`` named ``theta`` becomes ``"theta"``, a
    ``ParameterVector`` element ``θ[3]`` becomes ``"θ_3"`` (see ``parameter_names``),
    affine ``ParameterExpression`` s become affine ferroq expressions; a non-affine
    expression raises ``ferroq.ParameterError`` naming it. ``global_phase``,
    ``measure``, ``reset``, ``barrier`` and ``if_test`` on a bit or register are kept;
    ``for``/``while``/``switch`` raise ``ferroq.UnsupportedError``.
    """
    return convert(circuit).circuit


# ---------------------------------------------------------------------------------------
# ferroq -> Qiskit


def _expr_to_qiskit(value: float | str, params: dict[str, Parameter]) -> Any:
    if not isinstance(value, str):
        return float(value)
    # ferroq prints affine expressions as sums of `c*name` and numbers.
    env: dict[str, Any] = {"pi": math.pi, "π": math.pi}
    for token in re.findall(r"[^\W\d]\w*", value):
        if token in ("pi", "π", "e", "E"):
            continue
        if token not in params:
            params[token] = Parameter(token)
        env[token] = params[token]
    try:
        return eval(value, {"__builtins__": {}}, env)  # noqa: S307 - grammar checked above
    except Exception as exc:  # pragma: no cover - ferroq prints only affine sums
        raise ferroq.ParseError(f"cannot read the parameter expression `{value}`: {exc}")


def to_qiskit(
    circuit: ferroq.Circuit, parameters: dict[str, Parameter] | None = None
) -> QuantumCircuit:
    """Converts a ``ferroq.Circuit`` into a Qiskit ``QuantumCircuit`` (one quantum
    register ``q`` and, with classical bits, one classical register ``c``).

    Symbolic ferroq parameters become Qiskit ``Parameter`` s of the same name (pass
    ``parameters`` to reuse existing ones); conditions become ``if_test`` blocks.
    """
    from qiskit.circuit import QuantumRegister
    from qiskit.circuit.classical import expr
    from qiskit.circuit.library import (
        CCXGate,
        CCZGate,
        CHGate,
        CPhaseGate,
        CRXGate,
        CRYGate,
        CRZGate,
        CSwapGate,
        CUGate,
        CXGate,
        CYGate,
        CZGate,
        HGate,
        IGate,
        MCXGate,
        PhaseGate,
        RXGate,
        RXXGate,
        RYGate,
        RYYGate,
        RZGate,
        RZZGate,
        SdgGate,
        SGate,
        SwapGate,
        SXdgGate,
        SXGate,
        TdgGate,
        TGate,
        UGate,
        UnitaryGate,
        XGate,
        YGate,
        ZGate,
        iSwapGate,
    )

    params: dict[str, Parameter] = dict(parameters or {})
    base: dict[str, Any] = {
        "id": IGate, "x": XGate, "y": YGate, "z": ZGate, "h": HGate, "s": SGate,
        "sdg": SdgGate, "t": TGate, "tdg": TdgGate, "sx": SXGate, "sxdg": SXdgGate,
        "rx": RXGate, "ry": RYGate, "rz": RZGate, "p": PhaseGate, "u": UGate,
        "swap": SwapGate, "iswap": iSwapGate, "rxx": RXXGate, "ryy": RYYGate, "rzz": RZZGate,
    }
    single_ctrl: dict[str, Any] = {
        "x": CXGate, "y": CYGate, "z": CZGate, "h": CHGate, "p": CPhaseGate, "rx": CRXGate,
        "ry": CRYGate, "rz": CRZGate, "swap": CSwapGate,
    }
    qr = QuantumRegister(circuit.num_qubits, "q")
    regs: list[Any] = [qr]
    cr = None
    if circuit.num_clbits:
        cr = ClassicalRegister(circuit.num_clbits, "c")
        regs.append(cr)
    qc = QuantumCircuit(*regs)
    for ins in circuit:
        name = ins.name
        if name == "barrier":
            qc.barrier(*[qr[q] for q in ins.qubits])
            continue
        target = qc
        ctx = None
        if ins.condition is not None:
            assert cr is not None
            bits, value = ins.condition
            if bits == list(range(len(cr))):
                cond: Any = (cr, value)
            elif len(bits) == 1:
                cond = (cr[bits[0]], bool(value))
            else:
                terms = [
                    expr.equal(cr[b], bool((value >> k) & 1)) for k, b in enumerate(bits)
                ]
                cond = terms[0]
                for t in terms[1:]:
                    cond = expr.logic_and(cond, t)
            ctx = qc.if_test(cond)
            ctx.__enter__()
        try:
            if name == "measure":
                target.measure(ins.qubits[0], ins.clbit)
            elif name == "reset":
                target.reset(ins.qubits[0])
            else:
                controls, targets = ins.controls, ins.targets
                gname = name[len(controls):]
                ps = [_expr_to_qiskit(v, params) for v in ins.params]
                if gname == "unitary":
                    gate: Any = UnitaryGate(ins.matrix(), check_input=False)
                elif gname in base:
                    gate = base[gname](*ps)
                else:  # pragma: no cover - every ferroq gate is listed
                    raise ferroq.UnsupportedError(f"no Qiskit gate for ferroq `{name}`")
                if controls:
                    k = len(controls)
                    if k == 1 and gname in single_ctrl:
                        gate = single_ctrl[gname](*ps)
                    elif k == 1 and gname == "u":
                        gate = CUGate(*ps, 0.0)
                    elif k == 2 and gname == "x":
                        gate = CCXGate()
                    elif k == 2 and gname == "z":
                        gate = CCZGate()
                    elif gname == "x":
                        gate = MCXGate(k)
                    else:
                        gate = gate.control(k)
                target.append(gate, [qr[q] for q in [*controls, *targets]])
        finally:
            if ctx is not None:
                ctx.__exit__(None, None, None)
    return qc
