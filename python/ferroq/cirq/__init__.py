"""Cirq on ferroq (``pip install "ferroq[cirq]"``).

``ferroq.cirq.Simulator`` implements ``cirq.SimulatesSamples``,
``cirq.SimulatesFinalState`` (``cirq.StateVectorTrialResult``) and
``cirq.SimulatesExpectationValues``; a parameter sweep runs as one ferroq batch::

    import cirq, sympy, ferroq.cirq
    a, b = cirq.LineQubit.range(2)
    t = sympy.Symbol("t")
    c = cirq.Circuit(cirq.H(a), cirq.CNOT(a, b), cirq.rx(t).on(b))
    sim = ferroq.cirq.Simulator(seed=1)
    sim.simulate(c, {"t": 0.3}).final_state_vector      # Cirq's (big-endian) order
    sim.simulate_expectation_values_sweep(c, cirq.Z(a) * cirq.Z(b), cirq.Linspace(t, 0, 1, 5))

``from_cirq`` converts a circuit (Cirq qubit ``j`` of ``n`` is ferroq qubit ``n-1-j``).
"""

# mypy: ignore-missing-imports
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

try:
    import cirq as _cirq  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised without cirq only
    raise ImportError(
        "ferroq.cirq needs Cirq: pip install \"ferroq[cirq]\" (or pip install cirq-core)"
    ) from exc

from ._convert import from_cirq
from ._simulator import Simulator

__all__ = ["Simulator", "from_cirq"]
