# mypy: disable-error-code="import-untyped"
"""State and helpers shared by the parts of the ``ferroq.qubit`` device: the
``ferroq.Simulator``, the tape translator, the sampling seed generator, and the map from
wire labels to device indices. The device class combines the mixins built on it
(``_analytic``, ``_sampling``, ``_adjoint``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from pennylane.devices import Device
from pennylane.tape import QuantumScript

import ferroq

from ._translate import Translator


class DeviceCore(Device):
    """What the device's mixins share (never instantiated alone)."""

    _sim: ferroq.Simulator
    _translator: Translator
    _rng: np.random.Generator

    def _wire_map(self, tape: QuantumScript) -> dict[Any, int]:
        wires = self.wires if self.wires is not None else tape.wires
        return {w: i for i, w in enumerate(wires)}

    def _next_seed(self) -> int:
        return int(self._rng.integers(0, 2**63 - 1))
