# mypy: disable-error-code="import-untyped"
"""Adjoint differentiation of the ``ferroq.qubit`` device: Jacobians through
``Simulator.gradient`` / ``gradient_batch`` and vector-Jacobian products through
``Simulator.vjp``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from pennylane.devices import ExecutionConfig
from pennylane.exceptions import DeviceError, QuantumFunctionError
from pennylane.measurements import ExpectationMP
from pennylane.tape import QuantumScript

import ferroq

from ._core import DeviceCore
from ._translate import Program, pauli_sentence, to_observable


class AdjointMixin(DeviceCore):
    """``compute_derivatives``, ``compute_vjp`` and their ``execute_and_`` forms."""

    def _gradient_programs(
        self, circuits: Sequence[QuantumScript]
    ) -> list[tuple[Program, list[ferroq.Observable], list[int]]]:
        out = []
        for tape in circuits:
            if tape.shots:
                raise QuantumFunctionError(
                    "Requested adjoint differentiation to be computed with finite shots. "
                    "The derivative is always exact when using the adjoint differentiation method."
                )
            for mp in tape.measurements:
                if not isinstance(mp, ExpectationMP):
                    raise QuantumFunctionError(
                        "Adjoint differentiation method does not support measurement "
                        f"{type(mp).__name__} (only expectation values)"
                    )
            wmap = self._wire_map(tape)
            prog = self._translator.translate(tape, wmap, frozenset(tape.trainable_params))
            obs = []
            for mp in tape.measurements:
                ps = pauli_sentence(mp.obs)
                if ps is None:
                    raise DeviceError(
                        f"ferroq.qubit cannot differentiate {mp.obs} with the adjoint method"
                    )
                obs.append(to_observable(ps, wmap))
            out.append((prog, obs, list(tape.trainable_params)))
        return out

    def _jacobians(
        self, circuits: Sequence[QuantumScript]
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Values (k,) and Jacobians (k, P) over the trainable parameters, per tape;
        tapes that share one compiled circuit and observables go to Rust as one batch."""
        progs = self._gradient_programs(circuits)
        values: list[Any] = [None] * len(progs)
        jacs: list[Any] = [None] * len(progs)
        groups: dict[tuple, list[int]] = {}
        if len(progs) == 1:  # the common case: no key to build
            groups[()] = [0]
        else:
            for i, (prog, obs, _) in enumerate(progs):
                key = (id(prog.circuit), tuple(prog.names), tuple(repr(o.terms) for o in obs))
                groups.setdefault(key, []).append(i)
        for members in groups.values():
            prog, obs, _ = progs[members[0]]
            k = len(obs)
            if not prog.names:
                for i in members:
                    p, o, tp = progs[i]
                    v = (
                        np.asarray(self._sim.run(p.circuit, {}).expectations(o))
                        if k
                        else np.zeros(0)
                    )
                    values[i], jacs[i] = v, np.zeros((k, len(tp)))
                continue
            if len(members) == 1:
                v, j = self._sim.gradient(prog.circuit, obs, prog.params())
                rows = [(np.asarray(v), np.asarray(j))]
            else:
                table = {
                    name: np.array([float(progs[i][0].values[c]) for i in members])
                    for c, name in enumerate(prog.names)
                }
                v, j = self._sim.gradient_batch(prog.circuit, obs, table)
                rows = [(np.asarray(v[r]), np.asarray(j[r])) for r in range(len(members))]
            columns = {name: c for c, name in enumerate(prog.circuit.parameters)}
            for i, (v, j) in zip(members, rows):
                p, _, tp = progs[i]
                full = np.zeros((k, len(tp)))
                for t, pidx in enumerate(tp):
                    c = columns.get(f"a{pidx:05d}")
                    if c is not None:
                        full[:, t] = j[:, c]
                values[i], jacs[i] = v, full
        return values, jacs

    def compute_derivatives(
        self, circuits: Sequence[QuantumScript], execution_config: ExecutionConfig | None = None
    ):  # type: ignore[override]
        _, jacs = self._jacobians(circuits)
        return tuple(_format_jacobian(j) for j in jacs)

    def execute_and_compute_derivatives(
        self, circuits: Sequence[QuantumScript], execution_config: ExecutionConfig | None = None
    ):  # type: ignore[override]
        values, jacs = self._jacobians(circuits)
        results = tuple(_format_values(v) for v in values)
        return results, tuple(_format_jacobian(j) for j in jacs)

    def _vjps(
        self, circuits: Sequence[QuantumScript], cotangents: Sequence[Any]
    ) -> tuple[list[Any], list[np.ndarray]]:
        """Values and vector-Jacobian products per tape. A cotangent is one number per
        expectation value (``Simulator.vjp``: one backward sweep with the folded
        observable), or a batch of them (shape ``(k, B)``, ``(B,)`` for k = 1, as JAX's
        ``jacobian`` sends): then the Jacobian is computed once and contracted, giving
        shape ``(P, B)``."""
        progs = self._gradient_programs(circuits)
        values: list[Any] = []
        vjps: list[np.ndarray] = []
        for index, ((prog, obs, tp), cot) in enumerate(zip(progs, cotangents)):
            k = len(obs)
            if k == 1:
                w = np.asarray(cot, dtype=float)
                w = w.reshape(1) if w.ndim == 0 else w.reshape(1, -1)
            else:
                w = np.asarray([np.asarray(c, dtype=float) for c in cot])
            if w.shape[:1] != (k,) or w.ndim > 2:
                raise ValueError(f"cotangent of shape {np.shape(cot)} for {k} expectation values")
            if w.ndim == 2:  # batched cotangents
                vals, jac = self._jacobians([circuits[index]])
                values.append(vals[0])
                vjps.append(np.asarray(jac[0]).T @ w)
                continue
            if not prog.names or not np.any(w):
                e = (
                    np.asarray(self._sim.run(prog.circuit, prog.params()).expectations(obs))
                    if k
                    else np.zeros(0)
                )
                values.append(e)
                vjps.append(np.zeros(len(tp)))
                continue
            v, g = self._sim.vjp(prog.circuit, obs, w, prog.params())
            columns = {name: c for c, name in enumerate(prog.circuit.parameters)}
            out = np.zeros(len(tp))
            for t, pidx in enumerate(tp):
                c = columns.get(f"a{pidx:05d}")
                if c is not None:
                    out[t] = g[c]
            values.append(np.asarray(v))
            vjps.append(out)
        return values, vjps

    def compute_vjp(
        self,
        circuits: Sequence[QuantumScript],
        cotangents: Sequence[Any],
        execution_config: ExecutionConfig | None = None,
    ):  # type: ignore[override]
        return tuple(tuple(v) for v in self._vjps(circuits, cotangents)[1])

    def execute_and_compute_vjp(
        self,
        circuits: Sequence[QuantumScript],
        cotangents: Sequence[Any],
        execution_config: ExecutionConfig | None = None,
    ):  # type: ignore[override]
        values, vjps = self._vjps(circuits, cotangents)
        return tuple(_format_values(v) for v in values), tuple(tuple(v) for v in vjps)


def _format_values(v: np.ndarray) -> Any:
    v = np.asarray(v)
    if v.shape == (1,):
        return np.float64(v[0])
    return tuple(np.float64(x) for x in v)


def _format_jacobian(j: np.ndarray) -> Any:
    k, p = j.shape
    if k == 1 and p == 1:
        return np.array(j[0, 0])
    if k == 1:
        return tuple(np.array(x) for x in j[0])
    if p == 1:
        return tuple(np.array(x) for x in j[:, 0])
    return tuple(tuple(np.array(x) for x in row) for row in j)
