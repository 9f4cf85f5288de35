"""``ferroq.cirq.Simulator``: Cirq's sampling, final-state and expectation-value
simulator interfaces on ferroq, a whole sweep per Rust batch."""

# mypy: ignore-missing-imports
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import cirq
import numpy as np
import sympy

import ferroq

from .. import _shots
from ._convert import Converted, convert

# State vectors of a sweep are read in chunks of at most this many bytes.
_STATE_CHUNK_BYTES = 1 << 27


def _rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.RandomState):
        return np.random.default_rng(seed.randint(0, 2**31 - 1))
    return np.random.default_rng(seed)


def _adopted_state(
    tensor: np.ndarray, qubits: list[cirq.Qid]
) -> cirq.StateVectorSimulationState | None:
    """A simulation state that takes `tensor` (a fresh array nobody else holds) as its
    state without the copy ``StateVectorSimulationState.__init__`` makes (2 ms of a
    20-qubit ``simulate``). Uses Cirq's private ``_BufferedStateVector``; returns None
    where that is not available, and the caller takes the public, copying path."""
    try:
        from cirq.sim.state_vector_simulation_state import _BufferedStateVector

        state = cirq.StateVectorSimulationState.__new__(cirq.StateVectorSimulationState)
        cirq.SimulationState.__init__(state, state=_BufferedStateVector(tensor), qubits=qubits)
        return state
    except (ImportError, TypeError, AttributeError):
        return None


class Simulator(
    cirq.SimulatesSamples,
    cirq.SimulatesAmplitudes,
    cirq.SimulatesFinalState[cirq.StateVectorTrialResult],
    cirq.SimulatesExpectationValues,
):
    """A Cirq simulator that runs on ferroq (``cirq.Simulator``'s interfaces:
    ``run``/``run_sweep``/``sample``, ``compute_amplitudes[_sweep]``,
    ``simulate``/``simulate_sweep`` returning ``cirq.StateVectorTrialResult``,
    ``simulate_expectation_values[_sweep]``).

    A sweep (``cirq.Linspace``, ``Zip``, ``Product``, lists of resolvers) is converted
    once with its symbols kept symbolic and runs as one ferroq batch. Qubits are ordered
    big-endian as in Cirq (the first qubit of ``qubit_order`` is the most significant
    bit of a state-vector index).

    Args:
        seed: an int, ``numpy.random.Generator`` or ``RandomState`` for measurements.
        backend: ``"cpu"``, ``"wgpu"`` or ``"auto"``.
        precision: ``"single"`` (complex64, as ``cirq.Simulator``'s default) or
            ``"double"`` (default: the backend's default; double on the CPU).
        threads: CPU worker threads (default: all cores).
    """

    def __init__(
        self,
        *,
        seed: Any = None,
        backend: str = "auto",
        precision: str | None = None,
        threads: int | None = None,
    ) -> None:
        self._rng = _rng(seed)
        self._sim_args: dict[str, Any] = {
            "backend": backend,
            "precision": precision,
            "threads": threads,
        }
        self._sim = ferroq.Simulator(**self._sim_args, seed=int(self._rng.integers(1 << 63)))

    @property
    def simulator(self) -> ferroq.Simulator:
        """The ``ferroq.Simulator`` underneath."""
        return self._sim

    def _make_sim(self, seed: int) -> ferroq.Simulator:
        return ferroq.Simulator(**self._sim_args, seed=seed)

    # -- parameters --------------------------------------------------------------------
    @staticmethod
    def _table(
        conv: Converted, resolvers: Sequence[cirq.ParamResolver]
    ) -> dict[str, np.ndarray]:
        """Values of the circuit's symbols for every resolver, as ferroq name -> column."""
        table: dict[str, np.ndarray] = {}
        for sym, name in conv.names.items():
            col = np.empty(len(resolvers), dtype=np.float64)
            for i, r in enumerate(resolvers):
                v = r.value_of(sympy.Symbol(sym))
                if isinstance(v, sympy.Basic) and v.free_symbols:
                    raise ferroq.ParameterError(
                        f"symbol `{sym}` has no value in the parameter resolver {r}"
                    )
                z = complex(v)
                if z.imag != 0:
                    raise ferroq.ParameterError(f"symbol `{sym}` resolves to a complex value {z}")
                col[i] = z.real
            table[name] = col
        return table

    # -- SimulatesSamples --------------------------------------------------------------
    def _run(
        self, circuit: cirq.AbstractCircuit, param_resolver: cirq.ParamResolver, repetitions: int
    ) -> dict[str, np.ndarray]:
        return self._run_batch(circuit, [param_resolver], repetitions)[0]

    def run_sweep_iter(
        self, program: cirq.AbstractCircuit, params: cirq.Sweepable, repetitions: int = 1
    ) -> Iterator[cirq.Result]:
        if not program.has_measurements():
            raise ValueError("Circuit has no measurements to sample.")
        resolvers = list(cirq.to_resolvers(params))
        records = self._run_batch(program, resolvers, repetitions)
        for r, rec in zip(resolvers, records):
            yield cirq.ResultDict(params=r, records=rec)

    def _run_batch(
        self,
        circuit: cirq.AbstractCircuit,
        resolvers: Sequence[cirq.ParamResolver],
        repetitions: int,
    ) -> list[dict[str, np.ndarray]]:
        if repetitions < 0:
            raise ValueError(f"repetitions must be non-negative, got {repetitions}")
        conv = convert(circuit, defer_measure=True)
        table = self._table(conv, resolvers)
        rows = len(resolvers)
        if conv.terminal is not None:
            idx = _shots.sample_final_states(
                self._sim, conv.circuit, table, rows, repetitions, self._rng
            )
            source = {c: q for q, c in conv.terminal}
        else:
            idx = _shots.sample_with_measurements(
                self._make_sim, conv.circuit, table, rows, repetitions, self._rng
            )
            source = {c: c for c in range(conv.circuit.num_clbits)}
        out = []
        for i in range(rows):
            records = {}
            for key, instances in conv.keys.items():
                arr = np.empty(
                    (repetitions, len(instances), len(instances[0]) if instances else 0),
                    dtype=np.int8,
                )
                for k, inst in enumerate(instances):
                    bits = _shots.gather_bits(idx[i], [source[c] for c, _ in inst])
                    inv = np.array([v for _, v in inst], dtype=bool)
                    arr[:, k, :] = bits ^ inv
                records[key] = arr
            out.append(records)
        return out

    # -- SimulatesAmplitudes -----------------------------------------------------------
    def compute_amplitudes_sweep_iter(
        self,
        program: cirq.AbstractCircuit,
        bitstrings: Sequence[int],
        params: cirq.Sweepable,
        qubit_order: cirq.QubitOrderOrList = cirq.QubitOrder.DEFAULT,
    ) -> Iterator[Sequence[complex]]:
        if any(isinstance(_op.gate, cirq.MeasurementGate) for _op in program.all_operations()):
            raise ValueError("compute_amplitudes needs a circuit without measurements")
        idx = np.asarray(bitstrings, dtype=np.int64)  # big-endian = ferroq's index here
        for trial in self.simulate_sweep_iter(program, params, qubit_order):
            yield list(trial.final_state_vector[idx])

    # -- SimulatesFinalState -----------------------------------------------------------
    def simulate_sweep_iter(
        self,
        program: cirq.AbstractCircuit,
        params: cirq.Sweepable,
        qubit_order: cirq.QubitOrderOrList = cirq.QubitOrder.DEFAULT,
        initial_state: Any = None,
    ) -> Iterator[cirq.StateVectorTrialResult]:
        resolvers = list(cirq.to_resolvers(params))
        conv = convert(program, qubit_order)
        circuit = self._with_initial_state(conv, initial_state)
        table = self._table(conv, resolvers)
        n = circuit.num_qubits
        qubits = conv.qubits
        if not conv.has_measure and not conv.stochastic and not table:
            # No symbols, no randomness: one run serves every resolver (the last one
            # takes the vector itself, the others copies).
            vector = self._sim.statevector(circuit)
            for i, r in enumerate(resolvers):
                yield self._trial(r, {}, qubits, vector, owned=i == len(resolvers) - 1)
            return
        if conv.has_measure or not table:
            for i, r in enumerate(resolvers):
                res = self._sim.run(circuit, _shots.rows_of(table, i) if table else None)
                measurements = self._measurements(conv, res.classical_bits) if conv.has_measure else {}
                yield self._trial(r, measurements, qubits, res.statevector, owned=True)
            return
        row_bytes = (16 if self._sim.precision == "double" else 8) << n
        chunk = max(1, _STATE_CHUNK_BYTES // row_bytes)
        for start in range(0, len(resolvers), chunk):
            part = {k: v[start : start + chunk] for k, v in table.items()}
            states = self._sim.run_batch(circuit, part)
            for j, r in enumerate(resolvers[start : start + chunk]):
                yield self._trial(r, {}, qubits, states[j])

    @staticmethod
    def _trial(
        resolver: cirq.ParamResolver,
        measurements: dict[str, np.ndarray],
        qubits: list[cirq.Qid],
        vector: np.ndarray,
        owned: bool = False,
    ) -> cirq.StateVectorTrialResult:
        shape = (2,) * len(qubits)
        state = _adopted_state(vector.reshape(shape), qubits) if owned else None
        if state is None:
            state = cirq.StateVectorSimulationState(
                qubits=qubits,
                initial_state=vector.reshape(shape),  # create() copies it once
                dtype=vector.dtype,
            )
        return cirq.StateVectorTrialResult(
            params=resolver, measurements=measurements, final_simulator_state=state
        )

    @staticmethod
    def _measurements(conv: Converted, bits: str) -> dict[str, np.ndarray]:
        # `bits` has clbit 0 rightmost; each key reports its last instance.
        out = {}
        for key, instances in conv.keys.items():
            inst = instances[-1]
            out[key] = np.array(
                [int(bits[len(bits) - 1 - c]) ^ int(inv) for c, inv in inst], dtype=np.uint8
            )
        return out

    @staticmethod
    def _with_initial_state(conv: Converted, initial_state: Any) -> ferroq.Circuit:
        if initial_state is None or (isinstance(initial_state, (int, np.integer)) and initial_state == 0):
            return conv.circuit
        if not isinstance(initial_state, (int, np.integer)):
            raise ferroq.UnsupportedError(
                "ferroq.cirq.Simulator takes an initial state as a basis-state index (an "
                f"int), not {type(initial_state).__name__}"
            )
        n = conv.circuit.num_qubits
        k = int(initial_state)
        if not 0 <= k < (1 << n):
            raise ValueError(f"initial state {k} is out of range for {n} qubits")
        prep = ferroq.Circuit(n, conv.circuit.num_clbits)
        for b in range(n):  # big-endian index k: bit b is ferroq qubit b
            if (k >> b) & 1:
                prep.x(b)
        return prep + conv.circuit

    # -- SimulatesExpectationValues ----------------------------------------------------
    def simulate_expectation_values_sweep_iter(
        self,
        program: cirq.AbstractCircuit,
        observables: cirq.PauliSumLike | list[cirq.PauliSumLike],
        params: cirq.Sweepable,
        qubit_order: cirq.QubitOrderOrList = cirq.QubitOrder.DEFAULT,
        initial_state: Any = None,
        permit_terminal_measurements: bool = False,
    ) -> Iterator[list[float]]:
        if not permit_terminal_measurements and program.are_any_measurements_terminal():
            raise ValueError(
                "Provided circuit has terminal measurements, which may "
                "skew expectation values. If this is intentional, set "
                "permit_terminal_measurements=True."
            )
        if not isinstance(observables, list):
            observables = [observables]
        sums = [cirq.PauliSum.wrap(o) for o in observables]
        obs_qubits = {q for s in sums for q in s.qubits}
        program = cirq.drop_terminal_measurements(program) if program.are_any_measurements_terminal() else program
        conv = convert(program, qubit_order, extra_qubits=obs_qubits)
        if conv.has_measure:
            raise ferroq.InvalidArgumentError(
                "expectation values need a circuit without mid-circuit measurements"
            )
        circuit = self._with_initial_state(conv, initial_state)
        n = len(conv.qubits)
        index = {q: n - 1 - j for j, q in enumerate(conv.qubits)}
        fobs = [_observable(s, index) for s in sums]
        resolvers = list(cirq.to_resolvers(params))
        table = self._table(conv, resolvers)
        if not table:
            vals = self._sim.run(circuit).expectations(fobs) if fobs else np.zeros(0)
            for _ in resolvers:
                yield [float(v) for v in vals]
            return
        values = self._sim.run_batch(circuit, table, observables=fobs)
        for row in values:
            yield [float(v) for v in row]


def _observable(psum: cirq.PauliSum, index: dict[cirq.Qid, int]) -> ferroq.Observable:
    letters = {cirq.X: "X", cirq.Y: "Y", cirq.Z: "Z"}
    terms = []
    for ps in psum:
        c = complex(ps.coefficient)
        if abs(c.imag) > 1e-10 * max(1.0, abs(c.real)):
            raise ferroq.InvalidArgumentError(
                f"observable term {ps} has a complex coefficient; observables must be Hermitian"
            )
        terms.append((c.real, [(letters[p], index[q]) for q, p in ps.items()]))
    return ferroq.Observable.from_terms(terms or [(0.0, [])])
