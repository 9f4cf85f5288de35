# mypy: disable-error-code="import-untyped"
"""The ``ferroq.qubit`` PennyLane device (``pennylane.devices.Device`` API): options,
capabilities, preprocessing and the dispatch of tapes. What runs them is in the mixins:
``_analytic`` (exact results), ``_sampling`` (shots, mid-circuit measurements),
``_adjoint`` (derivatives and VJPs), over the shared state in ``_core``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pennylane as qml
from pennylane.devices import ExecutionConfig
from pennylane.devices.modifiers import simulator_tracking, single_tape_support
from pennylane.devices.preprocess import (
    decompose,
    device_resolve_dynamic_wires,
    no_sampling,
    validate_adjoint_trainable_params,
    validate_device_wires,
    validate_measurements,
    validate_observables,
)
from pennylane.exceptions import DeviceError
from pennylane.measurements import ExpectationMP
from pennylane.ops import MidMeasure
from pennylane.tape import QuantumScript
from pennylane.transforms import broadcast_expand, defer_measurements, dynamic_one_shot

import ferroq

from ._adjoint import AdjointMixin
from ._analytic import AnalyticMixin, _pauli_plan, _pauli_values
from ._sampling import SamplingMixin, _shots_result, _stack_batch
from ._translate import (
    DIFFERENTIABLE,
    MATRIX_OPS,
    MAX_MATRIX_WIRES,
    NATIVE,
    NeedsExpansion,
    Program,
    Translator,
    pauli_sentence,
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


def _first(results: Any) -> Any:
    return results[0]


@qml.transform
def _broadcast_expand(
    tape: QuantumScript,
) -> tuple[Sequence[QuantumScript], Any]:
    """``broadcast_expand`` where an operator has a parameter with a dimension; other
    tapes pass through untouched, without ``tape.batch_size`` (which checks every
    operator: ~0.3 ms for 100 gates, on every step of an optimiser loop)."""
    for op in tape.operations:
        for v in op.data:
            if np.ndim(v) != 0:
                return broadcast_expand(tape)
    return (tape,), _first


@simulator_tracking
@single_tape_support
class FerroqQubit(AdjointMixin, SamplingMixin, AnalyticMixin):
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
            pipeline.add_transform(_broadcast_expand)
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
