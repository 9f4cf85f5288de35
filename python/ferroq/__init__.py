"""ferroq: fast, portable quantum state-vector simulation.

Build a circuit in Python; each simulating call hands the whole circuit (or a whole
batch of parameter sets) to Rust, which runs it on all CPU cores or a GPU with the
GIL released::

    import numpy as np, ferroq
    c = ferroq.Circuit(3).h(0).cx(0, 1).cx(1, 2).rx("theta", 2)
    sim = ferroq.Simulator(backend="auto", precision="double")
    res = sim.run(c, params={"theta": 0.3})
    res.statevector          # 1-D complex numpy array, qubit 0 = least significant bit
    sim.sample(c, shots=1000, params={"theta": 0.3})   # {"000": 497, "111": ...}
    sim.run_batch(c, params={"theta": np.linspace(0, 1, 256)},
                  observables=["ZZI", "0.5*XXX"])      # (256, 2) float64 array

Conventions: qubit 0 is the least significant bit of a basis-state index and the
rightmost character of bitstrings and Pauli strings (as Qiskit).

Optional front ends, imported on first use (``ferroq.qiskit`` needs Qiskit 2.x,
``ferroq.cirq`` needs cirq-core): ``ferroq.qiskit.EstimatorV2`` / ``SamplerV2`` /
``FerroqBackend`` / ``from_qiskit``, ``ferroq.cirq.Simulator``.
"""

import importlib as _importlib
from typing import Any as _Any

from ._ferroq import (
    BackendInfo,
    BackendUnavailableError,
    Channel,
    Circuit,
    CircuitError,
    DeviceError,
    FerroqError,
    Instruction,
    InvalidArgumentError,
    NoiseModel,
    NonUnitaryError,
    Observable,
    OutOfMemoryError,
    ParameterError,
    ParseError,
    QasmError,
    QubitIndexError,
    RunResult,
    Simulator,
    UnsupportedError,
    __version__,
    backends,
)

__all__ = [
    "BackendInfo",
    "BackendUnavailableError",
    "Channel",
    "Circuit",
    "CircuitError",
    "DeviceError",
    "FerroqError",
    "Instruction",
    "InvalidArgumentError",
    "NoiseModel",
    "NonUnitaryError",
    "Observable",
    "OutOfMemoryError",
    "ParameterError",
    "ParseError",
    "QasmError",
    "QubitIndexError",
    "RunResult",
    "Simulator",
    "UnsupportedError",
    "__version__",
    "backends",
]


def __getattr__(name: str) -> _Any:
    # `ferroq.qiskit` / `ferroq.cirq` without an explicit import; `import ferroq` itself
    # never imports Qiskit or Cirq.
    if name in ("qiskit", "cirq"):
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
