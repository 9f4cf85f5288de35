# mypy: disable-error-code="import-untyped"
"""Finite-shot execution of the ``ferroq.qubit`` device: samples drawn in Rust after
rotating into each measurement basis (one run per group of qubit-wise commuting
measurements), and tapes with mid-circuit measurements run shot by shot in Rust
(``dynamic_one_shot``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pennylane as qml
from pennylane.exceptions import DeviceError
from pennylane.measurements import ExpectationMP, MeasurementValue, SampleMP, VarianceMP
from pennylane.ops import MidMeasure
from pennylane.tape import QuantumScript
from pennylane.transforms import broadcast_expand
from pennylane.wires import Wires

from ._core import DeviceCore
from ._translate import Program, pauli_sentence


class SamplingMixin(DeviceCore):
    """Shots of a translated tape (see :class:`FerroqQubit`)."""

    def _sample(
        self, tape: QuantumScript, prog: Program, wmap: dict[Any, int], row: int | None
    ) -> list[list[Any]]:
        """Per shot bin, per measurement: the results of one (batch row of a) tape."""
        n = len(wmap)
        groups = _group_for_sampling(tape.measurements, list(wmap))
        shots = tape.shots
        bins = list(shots.bins())
        results: list[list[Any]] = [[None] * len(tape.measurements) for _ in bins]
        part_values: dict[tuple[int, int], list[np.ndarray]] = {}
        params = prog.row(row) if row is not None else prog.params()
        for g in groups:
            if g.diag_ops:
                gprog = self._translator.translate(tape, wmap, None, extra_ops=g.diag_ops)
                gparams = gprog.row(row) if row is not None else gprog.params()
            else:
                gprog, gparams = prog, params
            res = self._sim.run(gprog.circuit, gparams)
            idx = np.asarray(
                res.sample_indices(shots.total_shots, self._next_seed()), dtype=np.uint64
            )
            shifts = np.arange(n - 1, -1, -1, dtype=np.uint64)
            bits = ((idx[:, None] >> shifts[None, :]) & np.uint64(1)).astype(np.int64)
            for unit in g.units:
                for k, (lo, hi) in enumerate(bins):
                    b = bits[lo:hi]
                    if unit.kind == "pl":
                        mp = tape.measurements[unit.mp].map_wires(wmap)
                        results[k][unit.mp] = mp.process_samples(b, Wires(range(n)))
                    else:
                        vals = np.zeros(hi - lo)
                        for coef, word in unit.terms:
                            if word:
                                cols = [wmap[w] for w in word]
                                vals = vals + coef * np.prod(1 - 2 * b[:, cols], axis=1)
                            else:
                                vals = vals + coef
                        part_values.setdefault((unit.mp, k), []).append(vals)
        for i, mp in enumerate(tape.measurements):
            for k in range(len(bins)):
                if results[k][i] is not None:
                    continue
                parts = part_values.get((i, k), [])
                if isinstance(mp, VarianceMP):
                    results[k][i] = np.float64(np.var(parts[0]))
                else:
                    results[k][i] = np.float64(sum(float(np.mean(p)) for p in parts))
        return results

    def _execute_mcm(self, tape: QuantumScript) -> Any:
        """A tape from ``dynamic_one_shot`` (mid-circuit measurements kept, shots as
        ``[1] * N``): ferroq runs the circuit N times in Rust with its own mid-circuit
        measurement, reset and classically controlled gates (``Simulator.sample``),
        measuring every wire at the end; the result is one tuple per shot, which
        PennyLane then aggregates (and postselects)."""
        if tape.batch_size is not None:
            tapes, post = broadcast_expand(tape)
            return post(tuple(self._execute_mcm(t) for t in tapes))
        wmap = self._wire_map(tape)
        n = len(wmap)
        mcms = [op for op in tape.operations if isinstance(op, MidMeasure)]
        nm = len(mcms)
        if nm + n > 63:
            raise DeviceError(
                f"{nm} mid-circuit measurements and {n} wires exceed ferroq's 64 classical bits "
                "per shot; use mcm_method='deferred'"
            )
        shots = tape.shots.total_shots
        mps = tape.measurements
        terminal = [i for i, mp in enumerate(mps) if mp.mv is None]
        groups = _group_for_sampling([mps[i] for i in terminal], list(wmap))
        if not groups:
            groups = [_Group({}, [], False)]
        if len(groups) > 1 and any(op.postselect is not None for op in mcms):
            raise DeviceError(
                "postselection with measurements that need several measurement bases is not "
                "supported by ferroq.qubit with mcm_method='one-shot'; use 'deferred'"
            )
        per_mp: list[Any] = [None] * len(mps)
        mcm_bits: np.ndarray | None = None
        for g in groups:
            prog = self._translator.translate(
                tape, wmap, None, extra_ops=g.diag_ops, measure_all=True
            )
            counts = self._sim.sample(prog.circuit, shots, prog.params())
            vals = np.repeat(
                np.array([int(k, 2) for k in counts], dtype=np.uint64),
                np.array(list(counts.values()), dtype=np.int64),
            )
            self._rng.shuffle(vals)
            if mcm_bits is None:
                mcm_bits = (
                    np.stack(
                        [(vals >> np.uint64(k)) & np.uint64(1) for k in range(nm)], axis=1
                    ).astype(np.int64)
                    if nm
                    else np.zeros((shots, 0), dtype=np.int64)
                )
            shifts = np.array([nm + j for j in range(n)], dtype=np.uint64)
            bits = ((vals[:, None] >> shifts[None, :]) & np.uint64(1)).astype(np.int64)
            for unit in g.units:
                i = terminal[unit.mp]
                if unit.kind == "pl":
                    m = mps[i].map_wires(wmap)
                    per_mp[i] = [
                        m.process_samples(bits[s : s + 1], Wires(range(n))) for s in range(shots)
                    ]
                else:
                    v = np.zeros(shots)
                    for coef, word in unit.terms:
                        if word:
                            v = v + coef * np.prod(1 - 2 * bits[:, [wmap[w] for w in word]], axis=1)
                        else:
                            v = v + coef
                    prev = per_mp[i]
                    per_mp[i] = v if prev is None else prev + v
        assert mcm_bits is not None
        index = {id(m): k for k, m in enumerate(mcms)}
        index.update({m.hash: k for k, m in enumerate(mcms)})
        for i, mp in enumerate(mps):
            if mp.mv is None:
                if isinstance(per_mp[i], np.ndarray):
                    per_mp[i] = [np.float64(x) for x in per_mp[i]]
                continue
            mv = mp.mv
            if not isinstance(mv, MeasurementValue) or not isinstance(mp, SampleMP):
                raise DeviceError(f"ferroq.qubit cannot measure {mp} shot by shot")
            cols = [mcm_bits[:, index.get(id(m), index.get(m.hash))] for m in mv.measurements]
            values = np.asarray(mv.processing_fn(*cols))
            per_mp[i] = [int(x) if values.dtype.kind in "iub" else x for x in values]
        rows = [tuple(per_mp[i][s] for i in range(len(mps))) for s in range(shots)]
        out = [r[0] if len(mps) == 1 else r for r in rows]
        return tuple(out) if tape.shots.has_partitioned_shots else out[0]


def _stack_batch(items: list[Any]) -> Any:
    if isinstance(items[0], dict):  # counts: one dict per batch row, as default.qubit
        return list(items)
    return np.stack([np.asarray(x) for x in items])


def _shots_result(per_bin: list[list[Any]], tape: QuantumScript) -> Any:
    single = len(tape.measurements) == 1
    bins = [r[0] if single else tuple(r) for r in per_bin]
    if tape.shots.has_partitioned_shots:
        return tuple(bins)
    return bins[0]


class _Unit:
    __slots__ = ("kind", "mp", "terms")

    def __init__(self, mp: int, kind: str, terms: list[tuple[float, tuple]] | None = None) -> None:
        self.mp = mp
        self.kind = kind  # "pl": mp.process_samples on the group's bits; "pauli": terms
        self.terms = terms or []


class _Group:
    __slots__ = ("basis", "diag_ops", "fixed", "units")

    def __init__(self, basis: dict[Any, str] | None, diag_ops: list[Any], fixed: bool) -> None:
        self.basis = basis  # wire -> "X"/"Y"/"Z" for Pauli-basis groups
        self.diag_ops = diag_ops
        self.units: list[_Unit] = []
        self.fixed = fixed  # a group of non-Pauli diagonalising gates (not mergeable)


def _pauli_rotation(basis: dict[Any, str]) -> list[Any]:
    ops = []
    for w, p in basis.items():
        if p == "X":
            ops.append(qml.Hadamard(w))
        elif p == "Y":
            ops += [qml.adjoint(qml.S(w)), qml.Hadamard(w)]
    return ops


def _qwc_basis(ps: Any) -> dict[Any, str] | None:
    """The common measurement basis of a qubit-wise commuting Pauli sentence, else None."""
    basis: dict[Any, str] = {}
    for word in ps:
        for w, p in word.items():
            if basis.setdefault(w, p) != p:
                return None
    return basis


def _group_for_sampling(mps: Sequence[Any], all_wires: list[Any]) -> list[_Group]:
    """Measurements grouped so that each group needs one run and one set of samples:
    Pauli-basis groups (merged greedily while qubit-wise compatible; measurements
    without an observable ask for Z on their wires) and one group per other
    diagonalising basis."""
    groups: list[_Group] = []

    def place(basis: dict[Any, str], unit: _Unit) -> None:
        for g in groups:
            if g.fixed or g.basis is None:
                continue
            if all(g.basis.get(w, p) == p for w, p in basis.items()):
                g.basis.update(basis)
                g.units.append(unit)
                return
        g = _Group(dict(basis), [], False)
        g.units.append(unit)
        groups.append(g)

    for i, mp in enumerate(mps):
        obs = mp.obs
        if obs is None:
            # computational-basis samples (of wires, or of deferred mid-circuit measurements)
            wires = mp.wires if len(mp.wires) else all_wires
            place({w: "Z" for w in wires}, _Unit(i, "pl"))
            continue
        ps = pauli_sentence(obs)
        if isinstance(mp, (ExpectationMP, VarianceMP)) and ps is not None:
            basis = _qwc_basis(ps)
            terms = [(float(np.real(complex(c))), tuple(word.keys())) for word, c in ps.items()]
            if basis is not None:
                place(basis, _Unit(i, "pauli", terms))
                continue
            if isinstance(mp, ExpectationMP):
                for word, (coef, wires) in zip(ps.keys(), terms):
                    place(dict(word.items()), _Unit(i, "pauli", [(coef, wires)]))
                continue
        if ps is not None and len(ps) == 1:
            ((word, c),) = ps.items()
            if len(word) and abs(complex(c) - 1) < 1e-12:
                # sample/counts/probs of one Pauli word: its eigenbasis is a Pauli basis
                place(dict(word.items()), _Unit(i, "pl"))
                continue
        # a measurement in its observable's own eigenbasis (PennyLane's diagonalising gates)
        g = _Group(None, list(obs.diagonalizing_gates()), True)
        g.units.append(_Unit(i, "pl"))
        groups.append(g)
    for g in groups:
        if not g.fixed:
            g.diag_ops = _pauli_rotation(g.basis or {})
    return groups
