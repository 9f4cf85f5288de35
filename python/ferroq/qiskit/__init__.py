"""Qiskit on ferroq (``pip install "ferroq[qiskit]"``).

- ``from_qiskit(QuantumCircuit) -> ferroq.Circuit`` and ``to_qiskit`` back, walking
  ``circuit.data`` with parameters kept symbolic;
- ``SamplerV2`` and ``EstimatorV2``: Qiskit 2.x ``BaseSamplerV2`` / ``BaseEstimatorV2``
  whose pubs run as one ferroq batch each;
- ``FerroqBackend``: a ``BackendV2`` with a ``Target`` for ``transpile`` and ``run``.

Qubit order is the same in both libraries (qubit 0 = least significant bit)::

    from qiskit.circuit.library import efficient_su2
    from qiskit.quantum_info import SparsePauliOp
    from ferroq.qiskit import EstimatorV2

    qc = efficient_su2(4, reps=2)
    values = np.random.default_rng(0).uniform(0, 1, (100, qc.num_parameters))
    job = EstimatorV2().run([(qc, SparsePauliOp(["ZZII", "IXXI"]), values)])
    job.result()[0].data.evs          # shape (100,)
"""

# mypy: ignore-missing-imports
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

try:
    import qiskit as _qiskit  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised without qiskit only
    raise ImportError(
        "ferroq.qiskit needs Qiskit 2.x: pip install \"ferroq[qiskit]\" (or pip install qiskit)"
    ) from exc

from ._backend import FerroqBackend, FerroqJob
from ._convert import from_qiskit, parameter_names, to_qiskit
from ._primitives import EstimatorV2, SamplerV2

__all__ = [
    "EstimatorV2",
    "FerroqBackend",
    "FerroqJob",
    "SamplerV2",
    "from_qiskit",
    "parameter_names",
    "to_qiskit",
]
