"""Conversion of a Qiskit Aer ``NoiseModel`` into a :class:`ferroq.NoiseModel`.

Every ``QuantumError`` becomes a :class:`ferroq.Channel`: when each of its circuits is
unitary it stays a unitary mixture (so trajectories draw it without touching the
state, as Aer does), otherwise (resets, Kraus instructions, composed errors) it is
converted through its Kraus form. All-qubit and per-qubit errors keep Aer's
semantics (a per-qubit error replaces the all-qubit one on those qubits; errors on
``"measure"`` act before the measurement). One-qubit ``ReadoutError``s become readout
errors; correlated multi-qubit readout errors are refused with a clear error.

Qubit order needs no change: Qiskit and ferroq are both little-endian.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._ferroq import Channel, InvalidArgumentError, NoiseModel

__all__ = ["from_qiskit_noise_model", "channel_from_qiskit_error"]


def channel_from_qiskit_error(error: Any) -> Channel:
    """The :class:`ferroq.Channel` of a Qiskit Aer ``QuantumError``."""
    from qiskit.quantum_info import Kraus, Operator  # type: ignore[import-untyped]

    try:
        terms = [
            (float(p), np.asarray(Operator(circuit).data, dtype=np.complex128))
            for circuit, p in zip(error.circuits, error.probabilities)
        ]
    except Exception:  # a reset or Kraus instruction: not a unitary mixture
        terms = None
    if terms is not None:
        try:
            return Channel.mixed_unitary(terms)
        except ValueError:
            pass  # rounding in the probabilities: fall back to the Kraus form
    return Channel.kraus([np.asarray(k, dtype=np.complex128) for k in Kraus(error).data])


def _probabilities(readout_error: Any) -> list[list[float]]:
    p = np.asarray(readout_error.probabilities, dtype=float)
    if p.shape != (2, 2):
        raise InvalidArgumentError(
            f"a {int(np.log2(p.shape[0]))}-qubit correlated readout error cannot be "
            "converted: ferroq's readout errors act on one bit"
        )
    return p.tolist()


def from_qiskit_noise_model(noise_model: Any) -> NoiseModel:
    """Converts a ``qiskit_aer.noise.NoiseModel`` (quantum errors, composed ones
    included, and one-qubit readout errors) to a :class:`ferroq.NoiseModel`."""
    model = NoiseModel()
    for name, error in noise_model._default_quantum_errors.items():
        model.add_all_qubit_quantum_error(channel_from_qiskit_error(error), name)
    for name, by_qubits in noise_model._local_quantum_errors.items():
        for qubits, error in by_qubits.items():
            model.add_quantum_error(channel_from_qiskit_error(error), name, list(qubits))
    default_readout = noise_model._default_readout_error
    if default_readout is not None:
        model.add_all_qubit_readout_error(_probabilities(default_readout))
    for qubits, error in noise_model._local_readout_errors.items():
        if len(qubits) != 1:
            raise InvalidArgumentError(
                f"readout error on qubits {tuple(qubits)}: ferroq's readout errors act on one bit"
            )
        model.add_readout_error(_probabilities(error), int(qubits[0]))
    return model
