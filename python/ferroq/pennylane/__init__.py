"""PennyLane device ``ferroq.qubit``: ferroq's state-vector simulator behind PennyLane's
``pennylane.devices.Device`` API (needs ``pip install "ferroq[pennylane]"``).

After installation the device is found by name through the ``pennylane.plugins`` entry
point::

    import pennylane as qml
    dev = qml.device("ferroq.qubit", wires=4)                 # CPU, complex128
    dev = qml.device("ferroq.qubit", wires=["a", "b"], backend="auto", seed=7)

    @qml.qnode(dev, diff_method="adjoint")
    def f(x):
        qml.RX(x, wires=0)
        qml.CNOT(wires=[0, 1])
        return qml.expval(qml.Z(0) @ qml.Z(1))

See :class:`FerroqQubit` for the options and what runs where.
"""

from .device import FerroqQubit

__all__ = ["FerroqQubit"]
