# mypy: disable-error-code="import-untyped"
"""The ``ferroq.qubit`` PennyLane device (``pennylane.devices.Device`` API)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pennylane as qml
from pennylane.devices import Device, ExecutionConfig
from pennylane.devices.modifiers import simulator_tracking, single_tape_support
from pennylane.devices.qubit import measure as measure_state
from pennylane.devices.preprocess import (
    decompose,
    device_resolve_dynamic_wires,
    no_sampling,
    validate_adjoint_trainable_params,
    validate_device_wires,
    validate_measurements,
    validate_observables,
)
from pennylane.exceptions import DeviceError, QuantumFunctionError
from pennylane.measurements import (
    ExpectationMP,
    MeasurementValue,
    SampleMP,
    ProbabilityMP,
    StateMP,
    VarianceMP,
)
from pennylane.tape import QuantumScript
from pennylane.ops import MidMeasure
from pennylane.transforms import broadcast_expand, defer_measurements, dynamic_one_shot
from pennylane.wires import Wires

import ferroq

from ._translate import (
    DIFFERENTIABLE,
    MATRIX_OPS,
    MAX_MATRIX_WIRES,
    NATIVE,
    NeedsExpansion,
    Program,
    Translator,
    pauli_sentence,
    to_observable,
)

_PRECISIONS = {
    "double": "double",
    "single": "single",
    "complex128": "double",
    "complex64": "single",
    np.complex128: "double",
    np.complex64: "single",
}


def _supported(op: qml.operation.Operator) -> bool:
    """Ops ferroq runs without PennyLane decomposing them (see ferroq_qubit.toml)."""
    name = op.name
    if name in NATIVE:
        return True
    if name in MATRIX_OPS:
        return len(op.wires) <= MAX_MATRIX_WIRES and op.has_matrix
    return False


def _supported_with_mcms(op: qml.operation.Operator) -> bool:
    return isinstance(op, MidMeasure) or _supported(op)


def _adjoint_supported(op: qml.operation.Operator) -> bool:
    """In adjoint mode, a trainable op must be one ferroq differentiates natively."""
    if not _supported(op):
        return False
    if op.name in DIFFERENTIABLE:
        return True
    return not any(qml.math.requires_grad(d) for d in op.data)


def _adjoint_observable(obs: qml.operation.Operator) -> bool:
    return pauli_sentence(obs) is not None


def _adjoint_measurement(mp: Any) -> bool:
    return isinstance(mp, ExpectationMP) and mp.obs is not None


@simulator_tracking
@single_tape_support
class FerroqQubit(Device):
    """ferroq's state-vector simulator as a PennyLane device.

    Args:
        wires (int, Iterable, None): the number of wires or their labels (any hashable);
            ``None`` sizes the device to each circuit.
        shots (int, Sequence[int], None): default shots (``None``: analytic). Prefer
            ``qml.set_shots`` on the QNode.
        backend (str): ``"cpu"`` (default), ``"wgpu"`` or ``"auto"`` (a GPU if there is
            one), as ``ferroq.Simulator``.
        precision (str or numpy dtype): ``"double"`` / ``np.complex128`` or ``"single"`` /
            ``np.complex64``; default: the backend's (the CPU's is double).
        seed (int, None, numpy Generator/SeedSequence): seeds the sampling (each run's
            ferroq seed is drawn from ``numpy.random.default_rng(seed)``); ``None`` draws
            from the OS.
        threads (int, None): CPU worker threads (default: all cores).
        c_dtype (numpy dtype): ``lightning.qubit``'s spelling of ``precision``.

    Gates listed in ``ferroq_qubit.toml`` run natively in Rust (fixed multi-qubit
    gates such as ``QubitUnitary`` as one dense op of up to 6 wires); everything else
    is decomposed by PennyLane first. Expectation values and variances of Pauli sums
    (including ``Hamiltonian``/``LinearCombination``, ``Sum``, ``Prod``, ``SProd``,
    ``Hadamard`` and ``Hermitian``/``Projector`` of up to 4 wires, turned into Pauli sums)
    are evaluated in Rust; other observables in numpy on ferroq's state vector. Finite
    shots are drawn in Rust after rotating into each measurement basis (one run per group
    of qubit-wise commuting measurements). A broadcast tape runs as one
    ``Simulator.run_batch``. ``diff_method="adjoint"`` (also chosen by ``"best"``) uses
    ``Simulator.gradient`` / ``Simulator.vjp``; tapes of one structure (such as a
    broadcast tape split for differentiation) go to ``Simulator.gradient_batch`` together.
    Mid-circuit measurements: with shots (``mcm_method="one-shot"``, the default there)
    ferroq runs them natively, shot by shot in Rust (measurement, reset, classically
    controlled gates) and PennyLane aggregates the shots (and postselects, discarding
    failed shots); analytic execution defers them (``qml.defer_measurements``, which
    needs a spare wire per measured wire that is reused or reset).
    """

    config_filepath = Path(__file__).parent / "ferroq_qubit.toml"

    _device_options = ("backend", "precision", "seed")

    def __init__(
        self,
        wires: Any = None,
        shots: Any = None,
        *,
        backend: str = "cpu",
        precision: Any = None,
        seed: Any = None,
        threads: int | None = None,
        c_dtype: Any = None,
    ) -> None:
        super().__init__(wires=wires, shots=shots)
        if c_dtype is not None:  # lightning.qubit's name for the precision
            if precision is not None:
                raise DeviceError("give precision or c_dtype, not both")
            precision = c_dtype
        if precision is not None:
            key = precision if isinstance(precision, str) else np.dtype(precision).type
            if key not in _PRECISIONS:
                raise DeviceError(
                    f"precision must be 'double', 'single', np.complex128 or np.complex64, got {precision!r}"
                )
            precision = _PRECISIONS[key]
        self._backend = backend
        self._precision = precision
        self._seed = seed
        self._sim = ferroq.Simulator(
            backend=backend,
            precision=precision,
            threads=threads,
            seed=seed if isinstance(seed, (int, np.integer)) else None,
        )
        self._rng = np.random.default_rng(seed)
        self._translator = Translator()

    @property
    def name(self) -> str:
        return "ferroq.qubit"

    @property
    def simulator(self) -> ferroq.Simulator:
        """The ``ferroq.Simulator`` that runs this device's circuits."""
        return self._sim

    # ------------------------------------------------------------------ configuration

    def setup_execution_config(
        self, config: ExecutionConfig | None = None, circuit: QuantumScript | None = None
    ) -> ExecutionConfig:
        config = config or ExecutionConfig()
        for option in config.device_options:
            if option not in self._device_options:
                raise DeviceError(f"device option {option} not present on {self}")
        updated: dict[str, Any] = {}
        if config.gradient_method == "best":
            updated["gradient_method"] = "adjoint"
        adjoint = updated.get("gradient_method", config.gradient_method) == "adjoint"
        if config.use_device_jacobian_product is None:
            updated["use_device_jacobian_product"] = adjoint
        if config.use_device_gradient is None:
            updated["use_device_gradient"] = adjoint
        if config.grad_on_execution is None and updated.get(
            "use_device_gradient", config.use_device_gradient
        ):
            updated["grad_on_execution"] = True
        mcm = config.mcm_config
        method = mcm.mcm_method
        if method in (None, "device"):
            method = "one-shot" if getattr(circuit, "shots", None) else "deferred"
        if method not in ("deferred", "one-shot"):
            raise DeviceError(
                f"mcm_method={mcm.mcm_method!r} is not supported by ferroq.qubit; "
                "use 'deferred' or (with shots) 'one-shot'"
            )
        if method == "one-shot" and mcm.postselect_mode == "fill-shots":
            raise DeviceError("postselect_mode='fill-shots' needs mcm_method='deferred'")
        # With 'deferred', postselection itself is refused (defer_measurements is called
        # with allow_postselect=False): ferroq applies no projectors.
        updated["mcm_config"] = replace(mcm, mcm_method=method)
        options = dict(config.device_options)
        for option in self._device_options:
            options.setdefault(option, getattr(self, f"_{option}"))
        return replace(config, **updated, device_options=options)

    def preprocess_transforms(
        self, execution_config: ExecutionConfig | None = None
    ) -> qml.CompilePipeline:
        config = execution_config or ExecutionConfig()
        pipeline = qml.CompilePipeline()
        pipeline.add_transform(validate_measurements, name=self.name)
        pipeline.add_transform(
            validate_observables, self.capabilities.supports_observable, name=self.name
        )
        one_shot = config.mcm_config.mcm_method == "one-shot"
        if not one_shot:
            pipeline.add_transform(defer_measurements, allow_postselect=False)
        pipeline.add_transform(
            decompose,
            stopping_condition=_supported_with_mcms if one_shot else _supported,
            skip_initial_state_prep=True,
            name=self.name,
            device_wires=self.wires,
            target_gates=self.capabilities.gate_set(),
        )
        pipeline.add_transform(
            device_resolve_dynamic_wires, wires=self.wires, allow_resets=one_shot
        )
        pipeline.add_transform(validate_device_wires, self.wires, name=self.name)
        if one_shot:
            pipeline.add_transform(
                dynamic_one_shot, postselect_mode=config.mcm_config.postselect_mode
            )
        if config.gradient_method == "adjoint":
            name = f"adjoint + {self.name}"
            pipeline.add_transform(no_sampling, name=name)
            pipeline.add_transform(broadcast_expand)
            pipeline.add_transform(
                decompose,
                stopping_condition=_adjoint_supported,
                skip_initial_state_prep=True,
                name=name,
                device_wires=self.wires,
                target_gates=self.capabilities.gate_set(differentiable=True),
            )
            pipeline.add_transform(
                validate_observables, stopping_condition=_adjoint_observable, name=name
            )
            pipeline.add_transform(
                validate_measurements, analytic_measurements=_adjoint_measurement, name=name
            )
            pipeline.add_transform(validate_adjoint_trainable_params)
        return pipeline

    def supports_derivatives(
        self, execution_config: ExecutionConfig | None = None, circuit: QuantumScript | None = None
    ) -> bool:
        if execution_config is None and circuit is None:
            return True
        if execution_config is None or execution_config.gradient_method not in ("adjoint", "best"):
            return False
        if circuit is None:
            return True
        # A cheap check (PennyLane asks on every QNode call): what the adjoint
        # preprocessing would refuse. Operations are not checked; anything ferroq cannot
        # differentiate is decomposed by that preprocessing.
        if circuit.shots:
            return False
        for op in circuit.operations[: circuit.num_preps]:  # trainable state preparation
            if any(qml.math.requires_grad(d) for d in op.data):
                return False
        for op in circuit.operations:  # a snapshot's measurement is validated like the tape's
            if op.name == "Snapshot" and not _adjoint_measurement(
                op.hyperparameters["measurement"]
            ):
                return False
        return all(
            _adjoint_measurement(mp) and _adjoint_observable(mp.obs) for mp in circuit.measurements
        )

    def supports_vjp(
        self, execution_config: ExecutionConfig | None = None, circuit: QuantumScript | None = None
    ) -> bool:
        return self.supports_derivatives(execution_config, circuit)

    # ------------------------------------------------------------------ helpers

    def _wire_map(self, tape: QuantumScript) -> dict[Any, int]:
        wires = self.wires if self.wires is not None else tape.wires
        return {w: i for i, w in enumerate(wires)}

    def _next_seed(self) -> int:
        return int(self._rng.integers(0, 2**63 - 1))

    # ------------------------------------------------------------------ execution

    def execute(
        self, circuits: Sequence[QuantumScript], execution_config: ExecutionConfig | None = None
    ):  # type: ignore[override]
        """Runs each tape. Analytic tapes that measure only expectation values and
        variances of Pauli sums and share one compiled circuit (the tapes of a
        parameter-shift or finite-difference gradient, a split broadcast) run together
        as one ``Simulator.run_batch``."""
        results: list[Any] = [None] * len(circuits)
        groups: dict[tuple, list[tuple[int, Program, list[str]]]] = {}
        group_observables: dict[tuple, list[ferroq.Observable]] = {}
        for i, tape in enumerate(circuits):
            if tape.shots and any(isinstance(op, MidMeasure) for op in tape.operations):
                results[i] = self._execute_mcm(tape)
                continue
            wmap = self._wire_map(tape)
            try:
                prog = self._translator.translate(tape, wmap, None)
            except NeedsExpansion:
                tapes, post = broadcast_expand(tape)
                results[i] = post(tuple(self._execute_one(t) for t in tapes))
                continue
            plan = None if tape.shots or prog.batch is not None else _pauli_plan(tape, wmap)
            if plan is None:
                results[i] = self._execute_one(tape, prog)
                continue
            observables, kinds = plan
            key = (id(prog.circuit), tuple(prog.names), tuple(repr(o.terms) for o in observables))
            groups.setdefault(key, []).append((i, prog, kinds))
            group_observables[key] = observables
        for key, members in groups.items():
            observables = group_observables[key]
            prog = members[0][1]
            if len(members) == 1 or not prog.names:  # one run serves identical tapes
                ev = np.asarray(
                    self._sim.run(prog.circuit, prog.params()).expectations(observables)
                )[None, :]
                ev = np.repeat(ev, len(members), axis=0)
            else:
                table = {
                    name: np.array([float(m[1].values[c]) for m in members])
                    for c, name in enumerate(prog.names)
                }
                ev = np.asarray(self._sim.run_batch(prog.circuit, table, observables))
            for row, (i, _, kinds) in enumerate(members):
                results[i] = _pauli_values(ev[row], kinds)
        return tuple(results)

    def _execute_one(self, tape: QuantumScript, prog: Program | None = None) -> Any:
        wmap = self._wire_map(tape)
        if prog is None:
            try:
                prog = self._translator.translate(tape, wmap, None)
            except NeedsExpansion:
                tapes, post = broadcast_expand(tape)
                return post(tuple(self._execute_one(t) for t in tapes))
        mps = list(tape.measurements)
        if tape.shots:
            if prog.batch is None:
                return _shots_result(self._sample(tape, prog, wmap, None), tape)
            rows = [self._sample(tape, prog, wmap, b) for b in range(prog.batch)]
            per_bin = [
                [_stack_batch([r[k][i] for r in rows]) for i in range(len(mps))]
                for k in range(len(rows[0]))
            ]
            return _shots_result(per_bin, tape)
        if prog.batch is None:
            values = self._analytic(tape, prog, wmap)
        else:
            values = self._analytic_batch(tape, prog, wmap)
        return values[0] if len(values) == 1 else tuple(values)

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

    # ------------------------------------------------------------------ sampling

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

    # ------------------------------------------------------------------ derivatives

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


# ---------------------------------------------------------------------- result helpers


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
    __slots__ = ("mp", "kind", "terms")

    def __init__(self, mp: int, kind: str, terms: list[tuple[float, tuple]] | None = None) -> None:
        self.mp = mp
        self.kind = kind  # "pl": mp.process_samples on the group's bits; "pauli": terms
        self.terms = terms or []


class _Group:
    __slots__ = ("basis", "diag_ops", "units", "fixed")

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
