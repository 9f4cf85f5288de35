"""Qiskit 2.x V2 primitives on ferroq: ``SamplerV2`` and ``EstimatorV2``."""

# mypy: ignore-missing-imports
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import warnings
from collections.abc import Iterable
from numbers import Real
from typing import Any

import numpy as np
from qiskit.circuit import QuantumCircuit
from qiskit.primitives import BaseEstimatorV2, BaseSamplerV2
from qiskit.primitives.containers import (
    BitArray,
    DataBin,
    EstimatorPubLike,
    PrimitiveResult,
    PubResult,
    SamplerPubLike,
    SamplerPubResult,
)
from qiskit.primitives.containers.estimator_pub import EstimatorPub
from qiskit.primitives.containers.sampler_pub import SamplerPub
from qiskit.primitives.primitive_job import PrimitiveJob

import ferroq

from .. import _shots
from ._convert import Converted, convert


def _simulator_args(
    backend: str, precision: str | None, threads: int | None, who: str
) -> dict[str, Any]:
    if precision is not None and not isinstance(precision, str):
        raise TypeError(
            f"{who}: `precision` is the simulator's float precision (\"single\" or "
            f"\"double\"), got {precision!r}"
            + ("; the estimator's target precision is `default_precision`" if who == "EstimatorV2" else "")
        )
    return {"backend": backend, "precision": precision, "threads": threads}


def _bindings(
    converted: Converted, qc: QuantumCircuit, values: Any
) -> tuple[dict[str, np.ndarray], tuple[int, ...]]:
    """The pub's parameter values as ferroq name -> flat column, and their shape."""
    shape = tuple(values.shape)
    if not qc.parameters:
        return {}, shape
    table = values.as_array(qc.parameters)  # (*shape, P) in circuit.parameters order
    flat = np.asarray(table, dtype=np.float64).reshape(-1, len(qc.parameters))
    params = {converted.names[p]: np.ascontiguousarray(flat[:, j]) for j, p in enumerate(qc.parameters)}
    return params, shape


def _rows(shape: tuple[int, ...]) -> int:
    return int(np.prod(shape, dtype=np.int64)) if shape else 1


def _seed_rng(seed: np.random.Generator | int | None) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


class SamplerV2(BaseSamplerV2):
    """Qiskit's ``BaseSamplerV2`` on ferroq.

    Each pub runs as one batch: its circuit is converted once (parameters symbolic),
    its parameter sets go to Rust together, and shots are drawn from the final states
    (terminal measurements) or by re-running the circuit once per shot (measurements
    that feed later operations, resets, ``if_test``). Results hold one ``BitArray`` per
    classical register, of shape ``pub.shape`` and ``shots`` shots, as
    ``StatevectorSampler``'s.

    Args:
        default_shots: shots of pubs that name none.
        seed: an int or ``numpy.random.Generator`` for reproducible shots (an int
            reseeds every pub, like ``StatevectorSampler``).
        backend: ``"cpu"``, ``"wgpu"`` or ``"auto"``.
        precision: ``"single"`` or ``"double"`` (default: the backend's default).
        threads: CPU worker threads (default: all cores).
    """

    def __init__(
        self,
        *,
        default_shots: int = 1024,
        seed: np.random.Generator | int | None = None,
        backend: str = "auto",
        precision: str | None = None,
        threads: int | None = None,
    ) -> None:
        self._default_shots: int = default_shots
        self._seed: np.random.Generator | int | None = seed
        self._sim_args: dict[str, Any] = _simulator_args(backend, precision, threads, "SamplerV2")
        self._sim: ferroq.Simulator = ferroq.Simulator(**self._sim_args)

    @property
    def default_shots(self) -> int:
        return self._default_shots

    @property
    def seed(self) -> np.random.Generator | int | None:
        return self._seed

    @property
    def simulator(self) -> ferroq.Simulator:
        """The ``ferroq.Simulator`` that runs the pubs."""
        return self._sim

    def run(
        self, pubs: Iterable[SamplerPubLike], *, shots: int | None = None
    ) -> PrimitiveJob[PrimitiveResult[SamplerPubResult]]:
        if shots is None:
            shots = self._default_shots
        coerced = [SamplerPub.coerce(pub, shots) for pub in pubs]
        if any(len(pub.circuit.cregs) == 0 for pub in coerced):
            warnings.warn(
                "One of your circuits has no output classical registers and so the result "
                "will be empty. Did you mean to add measurement instructions?",
                UserWarning,
                stacklevel=2,
            )
        job = PrimitiveJob(self._run, coerced)
        job._submit()
        return job

    def _run(self, pubs: list[SamplerPub]) -> PrimitiveResult[SamplerPubResult]:
        # As StatevectorSampler: an int seed reseeds every pub, a Generator runs on.
        return PrimitiveResult(
            [self._run_pub(pub, _seed_rng(self._seed)) for pub in pubs], metadata={"version": 2}
        )

    def _make_sim(self, seed: int) -> ferroq.Simulator:
        return ferroq.Simulator(**self._sim_args, seed=seed)

    def _run_pub(self, pub: SamplerPub, rng: np.random.Generator) -> SamplerPubResult:
        qc = pub.circuit
        shots = int(pub.shots)  # type: ignore[arg-type]
        conv = convert(qc, defer_measure=True, truncate=True)
        params, shape = _bindings(conv, qc, pub.parameter_values)
        rows = _rows(shape)
        if conv.terminal is not None:
            idx = _shots.sample_final_states(self._sim, conv.circuit, params, rows, shots, rng)
            source: dict[int, int] = {}
            for q, c in conv.terminal:  # a later measurement into a clbit wins
                source[c] = q
        else:
            idx = _shots.sample_with_measurements(
                self._make_sim, conv.circuit, params, rows, shots, rng
            )
            source = {c: c for c in range(qc.num_clbits)}
        meas = {}
        for name, bits in conv.registers:
            positions = [source.get(b) for b in bits]
            meas[name] = _bit_array(idx, positions, shape, shots)
        return SamplerPubResult(
            DataBin(**meas, shape=pub.shape),
            metadata={"shots": shots, "circuit_metadata": qc.metadata},
        )


def _bit_array(
    idx: np.ndarray, positions: list[int | None], shape: tuple[int, ...], shots: int
) -> BitArray:
    nbits = len(positions)
    if nbits <= 64:
        values = _shots.gather_int(idx, positions)
        nbytes = (nbits + 7) // 8
        raw = values.astype(">u8").view(np.uint8).reshape(idx.shape + (8,))
        array = np.ascontiguousarray(raw[..., 8 - nbytes :]).reshape(shape + (shots, nbytes))
        return BitArray(array, nbits)
    bools = _shots.gather_bits(idx, positions).reshape(shape + (shots, nbits))
    return BitArray.from_bool_array(bools, order="little")


def _observable(
    sparse: Any, qubit_map: list[int | None]
) -> tuple[tuple[Any, ...], ferroq.Observable]:
    """A Qiskit ``SparseObservable`` as a dedup key and a ``ferroq.Observable`` on the
    converted circuit's qubits (an idle qubit left out is in |0>: Z there is 1, X or Y
    make the term vanish)."""
    paulis = sparse.as_paulis().simplify()
    terms: dict[tuple[tuple[str, int], ...], float] = {}
    for label, qubits, coeff in paulis.to_sparse_list():
        c = complex(coeff)
        if abs(c.imag) > 1e-10 * max(1.0, abs(c.real)):
            raise ferroq.InvalidArgumentError(
                f"observable term {label or 'I'} on qubits {list(qubits)} has the complex "
                f"coefficient {c}; EstimatorV2 observables must be Hermitian"
            )
        ops: list[tuple[str, int]] = []
        for ch, q in zip(label, qubits):
            t = qubit_map[int(q)]
            if t is None:
                if ch in "XY":
                    break
                continue  # Z on |0>
            ops.append((ch, t))
        else:
            key = tuple(sorted(ops, key=lambda o: o[1]))
            terms[key] = terms.get(key, 0.0) + c.real
    items = sorted(terms.items())
    obs = ferroq.Observable.from_terms([(c, list(t)) for t, c in items] or [(0.0, [])])
    return tuple(items), obs


class EstimatorV2(BaseEstimatorV2):
    """Qiskit's ``BaseEstimatorV2`` on ferroq.

    Each pub's parameter sets run in Rust as one batch (GIL released) with all its
    distinct observables read from each final state; values are broadcast to the pub's
    shape as Qiskit specifies. With ``precision=0`` (the default) values are exact;
    with ``precision > 0`` each value gets Gaussian noise of that standard deviation
    (and ``stds`` reports it), as ``StatevectorEstimator``.

    Circuits with ``reset`` (or ``if_test``) run one random trajectory per broadcast
    element, as ``StatevectorEstimator`` does.

    Args:
        default_precision: target precision of pubs that name none.
        seed: an int (reseeding every pub, as ``StatevectorEstimator``) or a
            ``numpy.random.Generator`` for the noise and the trajectories.
        backend: ``"cpu"``, ``"wgpu"`` or ``"auto"``.
        precision: the simulator's float precision, ``"single"`` or ``"double"``
            (default: the backend's default; double on the CPU).
        threads: CPU worker threads (default: all cores).
    """

    def __init__(
        self,
        *,
        default_precision: float = 0.0,
        seed: np.random.Generator | int | None = None,
        backend: str = "auto",
        precision: str | None = None,
        threads: int | None = None,
    ) -> None:
        if not isinstance(default_precision, Real) or default_precision < 0:
            raise ValueError(f"default_precision must be a non-negative number, got {default_precision!r}")
        self._default_precision: float = float(default_precision)
        self._seed: np.random.Generator | int | None = seed
        self._sim_args: dict[str, Any] = _simulator_args(backend, precision, threads, "EstimatorV2")
        self._sim: ferroq.Simulator = ferroq.Simulator(
            **self._sim_args, seed=seed if isinstance(seed, int) else None
        )

    @property
    def default_precision(self) -> float:
        return self._default_precision

    @property
    def seed(self) -> np.random.Generator | int | None:
        return self._seed

    @property
    def simulator(self) -> ferroq.Simulator:
        """The ``ferroq.Simulator`` that runs the pubs."""
        return self._sim

    def run(
        self, pubs: Iterable[EstimatorPubLike], *, precision: float | None = None
    ) -> PrimitiveJob[PrimitiveResult[PubResult]]:
        if precision is None:
            precision = self._default_precision
        coerced = [EstimatorPub.coerce(pub, precision) for pub in pubs]
        job = PrimitiveJob(self._run, coerced)
        job._submit()
        return job

    def _run(self, pubs: list[EstimatorPub]) -> PrimitiveResult[PubResult]:
        # As StatevectorEstimator: an int seed reseeds every pub, a Generator runs on.
        return PrimitiveResult(
            [self._run_pub(pub, _seed_rng(self._seed)) for pub in pubs], metadata={"version": 2}
        )

    def _run_pub(self, pub: EstimatorPub, rng: np.random.Generator) -> PubResult:
        qc = pub.circuit
        conv = convert(qc, truncate=True)
        if conv.has_measure:
            raise ferroq.InvalidArgumentError(
                "EstimatorV2 circuits must not measure: expectation values are of the "
                "final state (remove the measurements, e.g. circuit.remove_final_measurements())"
            )
        params, pshape = _bindings(conv, qc, pub.parameter_values)
        oshape = tuple(pub.observables.shape)
        shape = tuple(pub.shape)
        # Distinct observables, and each element's index among them.
        keys: dict[tuple[Any, ...], int] = {}
        uniq: list[ferroq.Observable] = []
        flat_obs = np.asarray(pub.observables.sparse_observables_array(), dtype=object).reshape(-1)
        oidx = np.empty(len(flat_obs), dtype=np.intp)
        for i, so in enumerate(flat_obs):
            key, obs = _observable(so, conv.qubit_map)
            k = keys.setdefault(key, len(uniq))
            if k == len(uniq):
                uniq.append(obs)
            oidx[i] = k
        rows = _rows(pshape)
        p_at = np.broadcast_to(np.arange(rows).reshape(pshape), shape)
        o_at = np.broadcast_to(oidx.reshape(oshape), shape)
        evs = np.zeros(shape, dtype=np.float64)
        if evs.size and conv.stochastic:
            evs[...] = self._trajectories(conv.circuit, params, uniq, p_at, o_at, rng)
        elif evs.size:
            evs[...] = self._values(conv.circuit, params, rows, uniq, p_at, o_at)
        precision = float(pub.precision or 0.0)
        stds = np.zeros(shape, dtype=np.float64)
        if precision > 0:
            evs = rng.normal(evs, precision)
            stds[...] = precision
        return PubResult(
            DataBin(evs=evs, stds=stds, shape=shape),
            metadata={"target_precision": precision, "circuit_metadata": qc.metadata},
        )

    def _trajectories(
        self,
        circuit: ferroq.Circuit,
        params: dict[str, np.ndarray],
        uniq: list[ferroq.Observable],
        p_at: np.ndarray,
        o_at: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """A circuit with reset or classical conditions: every broadcast element is its
        own random trajectory (as in StatevectorEstimator), all in one batch, seeded
        from ``rng`` so an int seed reproduces them."""
        flat_p, flat_o = p_at.reshape(-1), o_at.reshape(-1)
        sets: Any = {k: v[flat_p] for k, v in params.items()} if params else [{}] * flat_p.size
        sim = ferroq.Simulator(**self._sim_args, seed=int(rng.integers(1 << 63)))
        table = sim.run_batch(circuit, sets, observables=uniq)
        return table[np.arange(flat_p.size), flat_o].reshape(p_at.shape)

    def _values(
        self,
        circuit: ferroq.Circuit,
        params: dict[str, np.ndarray],
        rows: int,
        uniq: list[ferroq.Observable],
        p_at: np.ndarray,
        o_at: np.ndarray,
    ) -> np.ndarray:
        if not params or rows == 1:
            # One state: a plain run (a batch's dispatch costs more than it saves).
            row = _shots.rows_of(params, 0) if params else None
            table = self._sim.run(circuit, row).expectations(uniq)[None, :]
            return table[np.zeros_like(p_at), o_at]
        needed = p_at.size
        if rows * len(uniq) <= 2 * needed + 1024:
            # Every set with every distinct observable: one batch.
            table = self._sim.run_batch(circuit, params, observables=uniq)
            return table[p_at, o_at]
        # Few pairs of a large product (e.g. zipped sets and observables): one batch per
        # distinct observable over the sets that need it.
        out = np.zeros(p_at.shape, dtype=np.float64)
        for k, obs in enumerate(uniq):
            mask = o_at == k
            sets = np.unique(p_at[mask])
            sub = {name: col[sets] for name, col in params.items()}
            vals = self._sim.run_batch(circuit, sub, observables=[obs])[:, 0]
            out[mask] = vals[np.searchsorted(sets, p_at[mask])]
        return out
