# mypy: disable-error-code="import-untyped"
"""Analytic execution of the ``ferroq.qubit`` device: one ``Simulator.run`` (or
``run_batch`` for a broadcast tape) per tape, Pauli sums evaluated in Rust, other
measurements by PennyLane on ferroq's state vector."""

from __future__ import annotations

from typing import Any

import numpy as np
from pennylane.devices.qubit import measure as measure_state
from pennylane.measurements import ExpectationMP, ProbabilityMP, StateMP, VarianceMP
from pennylane.tape import QuantumScript

import ferroq

from ._core import DeviceCore
from ._translate import Program, pauli_sentence, to_observable


class AnalyticMixin(DeviceCore):
    """Exact results of a translated tape (see :class:`FerroqQubit`)."""

    def _analytic(self, tape: QuantumScript, prog: Program, wmap: dict[Any, int]) -> list[Any]:
        res = self._sim.run(prog.circuit, prog.params())
        n = len(wmap)
        out: list[Any] = [None] * len(tape.measurements)
        observables: list[ferroq.Observable] = []
        slots: list[tuple[int, str, int, int]] = []  # (mp index, kind, obs index, obs2 index)
        state: np.ndarray | None = None

        def statevector() -> np.ndarray:
            nonlocal state
            if state is None:
                state = np.asarray(res.statevector) * np.asarray(prog.phase())
            return state

        for i, mp in enumerate(tape.measurements):
            if isinstance(mp, (ExpectationMP, VarianceMP)) and mp.obs is not None:
                ps = pauli_sentence(mp.obs)
                if ps is not None:
                    observables.append(to_observable(ps, wmap))
                    if isinstance(mp, VarianceMP):
                        observables.append(to_observable((ps @ ps), wmap))
                        slots.append((i, "var", len(observables) - 2, len(observables) - 1))
                    else:
                        slots.append((i, "expval", len(observables) - 1, -1))
                    continue
            if type(mp) is ProbabilityMP and mp.obs is None and mp.mv is None:
                if len(mp.wires) == 0 or list(mp.wires) == list(wmap):
                    out[i] = np.asarray(res.probabilities())
                else:
                    out[i] = np.asarray(res.marginal([n - 1 - wmap[w] for w in reversed(mp.wires)]))
                continue
            if type(mp) is StateMP and len(mp.wires) == 0:
                out[i] = statevector()
                continue
            out[i] = measure_state(mp.map_wires(wmap), statevector().reshape((2,) * n))
        if observables:
            ev = np.asarray(res.expectations(observables))
            for i, kind, a, b in slots:
                out[i] = (
                    np.float64(ev[a])
                    if kind == "expval"
                    else np.float64(max(ev[b] - ev[a] ** 2, 0.0))
                )
        return out

    def _analytic_batch(
        self, tape: QuantumScript, prog: Program, wmap: dict[Any, int]
    ) -> list[Any]:
        n = len(wmap)
        mps = tape.measurements
        sentences = [
            pauli_sentence(mp.obs)
            if isinstance(mp, (ExpectationMP, VarianceMP)) and mp.obs is not None
            else None
            for mp in mps
        ]
        if all(s is not None for s in sentences):
            observables = []
            for mp, ps in zip(mps, sentences):
                assert ps is not None
                observables.append(to_observable(ps, wmap))
                if isinstance(mp, VarianceMP):
                    observables.append(to_observable(ps @ ps, wmap))
            ev = np.asarray(self._sim.run_batch(prog.circuit, prog.params(), observables))
            out, j = [], 0
            for mp in mps:
                if isinstance(mp, VarianceMP):
                    out.append(np.maximum(ev[:, j + 1] - ev[:, j] ** 2, 0.0))
                    j += 2
                else:
                    out.append(ev[:, j].copy())
                    j += 1
            return out
        states = np.asarray(self._sim.run_batch(prog.circuit, prog.params(), readout="statevector"))
        phase = np.broadcast_to(prog.phase(), (states.shape[0],))
        states = states * phase[:, None]
        out = []
        for mp in mps:
            if type(mp) is StateMP and len(mp.wires) == 0:
                out.append(states)
                continue
            m = mp.map_wires(wmap)
            out.append(measure_state(m, states.reshape((-1,) + (2,) * n), is_state_batched=True))
        return out


def _pauli_plan(
    tape: QuantumScript, wmap: dict[Any, int]
) -> tuple[list[ferroq.Observable], list[str]] | None:
    """The ferroq observables of a tape that measures only expval/var of Pauli sums
    (a variance adds the observable's square), or None."""
    observables: list[ferroq.Observable] = []
    kinds: list[str] = []
    if not tape.measurements:
        return None
    for mp in tape.measurements:
        if not isinstance(mp, (ExpectationMP, VarianceMP)) or mp.obs is None:
            return None
        ps = pauli_sentence(mp.obs)
        if ps is None:
            return None
        observables.append(to_observable(ps, wmap))
        if isinstance(mp, VarianceMP):
            observables.append(to_observable(ps @ ps, wmap))
            kinds.append("var")
        else:
            kinds.append("expval")
    return observables, kinds


def _pauli_values(ev: np.ndarray, kinds: list[str]) -> Any:
    out: list[Any] = []
    j = 0
    for kind in kinds:
        if kind == "var":
            out.append(np.float64(max(ev[j + 1] - ev[j] ** 2, 0.0)))
            j += 2
        else:
            out.append(np.float64(ev[j]))
            j += 1
    return out[0] if len(out) == 1 else tuple(out)
