"""``FerroqBackend``: a Qiskit ``BackendV2`` whose ``run`` returns counts and memory."""

# mypy: ignore-missing-imports
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import time
import uuid
from typing import Any

import numpy as np
from qiskit.circuit import IfElseOp, Measure, QuantumCircuit, Reset
from qiskit.circuit.library import UnitaryGate, get_standard_gate_name_mapping
from qiskit.providers import BackendV2, JobStatus, Options
from qiskit.providers.job import JobV1
from qiskit.result import Result
from qiskit.transpiler import Target

import ferroq

from .. import _shots
from ._convert import convert

# Gates ferroq runs natively (the rest are transpiled into these).
BASIS_GATES = [
    "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "p",
    "u", "u1", "u2", "u3", "r", "cx", "cy", "cz", "ch", "cp", "crx", "cry", "crz", "cu",
    "cu1", "cu3", "swap", "iswap", "rxx", "ryy", "rzz", "ccx", "ccz", "cswap",
    "global_phase", "delay",
]  # fmt: skip


def _bindings_of(qc: QuantumCircuit, binds: dict[Any, Any] | None) -> list[QuantumCircuit]:
    """``qc`` bound by one ``parameter_binds`` entry: ``{Parameter: value}``, or, as in
    Aer, ``{Parameter: [v0, v1, ...]}`` for one experiment per index."""
    if not binds:
        return [qc]
    columns = {p: np.atleast_1d(np.asarray(v, dtype=float)) for p, v in binds.items()}
    lengths = {len(c) for c in columns.values()}
    if len(lengths - {1}) > 1:
        raise ferroq.InvalidArgumentError(
            f"parameter_binds lists have different lengths {sorted(lengths)}"
        )
    count = max(lengths)
    return [
        qc.assign_parameters({p: float(c[j if len(c) > 1 else 0]) for p, c in columns.items()})
        for j in range(count)
    ]


class FerroqJob(JobV1):
    """A finished job (``FerroqBackend.run`` simulates before it returns)."""

    _async = False

    def __init__(self, backend: BackendV2, job_id: str, result: Result) -> None:
        super().__init__(backend, job_id)
        self._result = result

    def submit(self) -> None:
        return

    def result(self, timeout: float | None = None) -> Result:  # noqa: ARG002
        return self._result

    def status(self) -> JobStatus:
        return JobStatus.DONE


class FerroqBackend(BackendV2):
    """ferroq as a Qiskit ``BackendV2``: ``transpile(qc, backend)`` targets ferroq's
    native gates (plus ``unitary``, ``measure``, ``reset``, ``if_else``), and
    ``backend.run(circuits, shots=..., memory=..., seed_simulator=...,
    parameter_binds=...)`` returns a ``Result`` with counts (and per-shot memory) as
    Aer's ``run``. ``BackendSamplerV2(backend=FerroqBackend())`` works too, though
    ``ferroq.qiskit.SamplerV2`` batches parameter sets and is faster.

    Args:
        backend, precision, threads: as ``ferroq.Simulator``.
    """

    def __init__(
        self,
        *,
        backend: str = "auto",
        precision: str | None = None,
        threads: int | None = None,
        name: str = "ferroq",
    ) -> None:
        super().__init__(name=name, description="ferroq state-vector simulator", backend_version=ferroq.__version__)
        self._sim_args: dict[str, Any] = {
            "backend": backend,
            "precision": precision,
            "threads": threads,
        }
        self._sim = ferroq.Simulator(**self._sim_args)
        self._target = self._build_target(min(self._sim.max_qubits, 64))

    @staticmethod
    def _build_target(num_qubits: int) -> Target:
        target = Target(num_qubits=num_qubits, description="ferroq")
        mapping = get_standard_gate_name_mapping()
        for name in BASIS_GATES:
            target.add_instruction(mapping[name], properties=None, name=name)
        target.add_instruction(UnitaryGate, name="unitary")
        target.add_instruction(Measure(), properties=None)
        target.add_instruction(Reset(), properties=None)
        target.add_instruction(IfElseOp, name="if_else")
        return target

    @property
    def target(self) -> Target:
        return self._target

    @property
    def max_circuits(self) -> None:
        return None

    @classmethod
    def _default_options(cls) -> Options:
        return Options(shots=1024, memory=False, seed_simulator=None, parameter_binds=None)

    def run(self, run_input: QuantumCircuit | list[QuantumCircuit], **options: Any) -> FerroqJob:
        """Simulates ``run_input`` and returns a finished job. Options: ``shots``,
        ``memory`` (per-shot hex strings), ``seed_simulator``, ``parameter_binds`` (a
        list of ``{Parameter: value}`` dicts, one per circuit; a list of values per
        parameter gives one experiment per index, as in Aer)."""
        opts = dict(self.options.__dict__)
        for key, value in options.items():
            if key not in opts:
                raise ferroq.InvalidArgumentError(
                    f"unknown run option `{key}`; FerroqBackend takes {sorted(opts)}"
                )
            opts[key] = value
        circuits = [run_input] if isinstance(run_input, QuantumCircuit) else list(run_input)
        binds = opts["parameter_binds"]
        if binds is not None and len(binds) != len(circuits):
            raise ferroq.InvalidArgumentError(
                f"parameter_binds has {len(binds)} entries for {len(circuits)} circuits"
            )
        shots = int(opts["shots"])
        rng = np.random.default_rng(opts["seed_simulator"])
        start = time.time()
        results = []
        for i, qc in enumerate(circuits):
            for bound in _bindings_of(qc, None if binds is None else binds[i]):
                results.append(self._run_circuit(bound, shots, bool(opts["memory"]), rng))
        job_id = str(uuid.uuid4())
        result = Result.from_dict(
            {
                "backend_name": self.name,
                "backend_version": self.backend_version,
                "job_id": job_id,
                "results": results,
                "status": "COMPLETED",
                "success": True,
                "time_taken": time.time() - start,
            }
        )
        return FerroqJob(self, job_id, result)

    def _run_circuit(
        self, qc: QuantumCircuit, shots: int, memory: bool, rng: np.random.Generator
    ) -> dict[str, Any]:
        start = time.time()
        if qc.parameters:
            raise ferroq.ParameterError(
                f"circuit `{qc.name}` has unbound parameters {[p.name for p in qc.parameters]}; "
                "bind them (or pass parameter_binds)"
            )
        if qc.num_clbits > 64:
            raise ferroq.InvalidArgumentError(
                f"FerroqBackend.run reads at most 64 classical bits, circuit `{qc.name}` has "
                f"{qc.num_clbits}; use ferroq.qiskit.SamplerV2"
            )
        conv = convert(qc, defer_measure=True, truncate=True)
        if conv.terminal is not None:
            idx = _shots.sample_final_states(self._sim, conv.circuit, {}, 1, shots, rng)[0]
            source: dict[int, int] = {}
            for q, c in conv.terminal:
                source[c] = q
            values = _shots.gather_int(idx, [source.get(c) for c in range(qc.num_clbits)])
        else:

            def make(seed: int) -> ferroq.Simulator:
                return ferroq.Simulator(**self._sim_args, seed=seed)

            values = _shots.sample_with_measurements(make, conv.circuit, {}, 1, shots, rng)[0]
        if qc.num_clbits == 0:
            values = np.zeros(shots, dtype=np.uint64)
        uniq, counts = np.unique(values, return_counts=True)
        data: dict[str, Any] = {"counts": {hex(int(v)): int(n) for v, n in zip(uniq, counts)}}
        if memory:
            data["memory"] = [hex(int(v)) for v in values]
        header = {
            "name": qc.name,
            "n_qubits": qc.num_qubits,
            "qreg_sizes": [[r.name, r.size] for r in qc.qregs],
            "creg_sizes": [[r.name, r.size] for r in qc.cregs],
            "memory_slots": qc.num_clbits,
            "global_phase": float(qc.global_phase),
            "metadata": qc.metadata if qc.metadata is not None else {},
        }
        return {
            "name": qc.name,
            "shots": shots,
            "data": data,
            "status": "DONE",
            "success": True,
            "header": header,
            "time_taken": time.time() - start,
        }
