"""Running a circuit caches its compiled program on the circuit; every edit must drop
it, and copies must not see each other's edits (checked against the numpy reference)."""

from __future__ import annotations

import numpy as np

import ferroq
import reference as ref


def want(n: int, *gates: tuple) -> np.ndarray:
    """The reference state after `gates`, each (name, qubits, *params), controls first."""
    ops = []
    for name, qubits, *params in gates:
        _, nc, _, matrix = ref.GATES[name]
        ops.append(("gate", matrix(*params), list(qubits[nc:]), list(qubits[:nc]), None))
    return ref.final_state(n, ops)


def close(got: np.ndarray, want: np.ndarray, sim: ferroq.Simulator) -> None:
    tol = 1e-5 if sim.precision == "single" else 1e-10
    np.testing.assert_allclose(got, want, atol=tol)


def test_edits_after_a_run_are_seen(sim: ferroq.Simulator) -> None:
    c = ferroq.Circuit(3).h(0).cx(0, 1)
    close(sim.statevector(c), want(3, ("h", [0]), ("cx", [0, 1])), sim)
    c.ry(0.7, 2)
    close(sim.statevector(c), want(3, ("h", [0]), ("cx", [0, 1]), ("ry", [2], 0.7)), sim)
    c.compose(ferroq.Circuit(3).x(1), inplace=True)
    psi = want(3, ("h", [0]), ("cx", [0, 1]), ("ry", [2], 0.7), ("x", [1]))
    close(sim.run(c).statevector, psi, sim)
    c += ferroq.Circuit(3).x(0)
    psi = want(3, ("h", [0]), ("cx", [0, 1]), ("ry", [2], 0.7), ("x", [1]), ("x", [0]))
    got = sim.expectation(c, "IIZ")
    assert abs(got - ref.expectation(psi, 3, [(1.0, [("Z", 0)])])) < 1e-5


def test_copies_are_independent(sim: ferroq.Simulator) -> None:
    a = ferroq.Circuit(2).h(0)
    sim.run(a)
    b = a.copy()
    b.cx(0, 1)
    close(sim.statevector(a), want(2, ("h", [0])), sim)
    close(sim.statevector(b), want(2, ("h", [0]), ("cx", [0, 1])), sim)


def test_parametric_circuits_rebind_each_call(sim: ferroq.Simulator) -> None:
    c = ferroq.Circuit(1).ry("t", 0)
    for t in (0.1, 1.3, 0.1):
        close(sim.statevector(c, {"t": t}), want(1, ("ry", [0], t)), sim)
