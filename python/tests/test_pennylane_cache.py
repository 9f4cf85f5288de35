"""The `ferroq.qubit` device's per-step shortcuts, against `default.qubit`: tapes of one
structure reuse a cached translation (only the parameters are read again), and a tape
without broadcast parameters skips PennyLane's `broadcast_expand`. Every cached answer
must equal a fresh one: changed parameters, gates, wires, literal values, observables,
global phases, and a broadcast tape after a scalar one of the same structure."""

from __future__ import annotations

import numpy as np
import pytest

qml = pytest.importorskip("pennylane")
pnp = qml.numpy

from ferroq.pennylane._translate import Translator

ATOL = 1e-9


def _dev(wires):
    return qml.device("ferroq.qubit", wires=wires)


def _ref(wires):
    return qml.device("default.qubit", wires=wires)


def _tape(ops, obs=None):
    return qml.tape.QuantumScript(ops, [qml.expval(obs if obs is not None else qml.Z(0))])


def test_translator_reuses_a_structure_and_rebinds_parameters() -> None:
    tr = Translator()
    wmap = {0: 0, 1: 1}
    a = tr.translate(
        _tape([qml.RX(0.1, 0), qml.CNOT([0, 1]), qml.Rot(0.2, 0.3, 0.4, 1)]), wmap, None
    )
    b = tr.translate(
        _tape([qml.RX(0.5, 0), qml.CNOT([0, 1]), qml.Rot(0.6, 0.7, 0.8, 1)]), wmap, None
    )
    assert b.circuit is a.circuit
    assert b.names == a.names and b.slots == [0, 1, 2, 3]
    assert b.values == [0.5, 0.6, 0.7, 0.8]
    # Rot's phase -(phi + omega) / 2 follows the new values
    np.testing.assert_allclose(b.phase(), np.exp(-0.5j * (0.6 + 0.8)))
    # another gate, other wires, a literal parameter: other structures
    c = tr.translate(
        _tape([qml.RY(0.5, 0), qml.CNOT([0, 1]), qml.Rot(0.6, 0.7, 0.8, 1)]), wmap, None
    )
    d = tr.translate(
        _tape([qml.RX(0.5, 1), qml.CNOT([1, 0]), qml.Rot(0.6, 0.7, 0.8, 0)]), wmap, None
    )
    assert len({id(p.circuit) for p in (a, c, d)}) == 3
    fixed = _tape([qml.RX(0.5, 0), qml.RY(0.25, 1)])
    e = tr.translate(fixed, wmap, frozenset({0}))
    f = tr.translate(_tape([qml.RX(0.5, 0), qml.RY(0.75, 1)]), wmap, frozenset({0}))
    assert e.circuit is not f.circuit and f.names == ["a00000"]
    # a broadcast parameter is never taken from the cache
    g = tr.translate(
        _tape([qml.RX(np.array([0.1, 0.2]), 0), qml.CNOT([0, 1]), qml.Rot(1, 2, 3, 1)]), wmap, None
    )
    assert g.batch == 2


def _structures():
    """Circuits on wires "a", "b", "c" of one parameter vector, several structures."""

    def first(x):
        qml.RX(x[0], "a")
        qml.CNOT(["a", "b"])
        qml.Rot(x[1], x[2], x[0], "c")
        qml.CRY(x[1], ["c", "a"])
        qml.IsingZZ(x[2], ["b", "c"])

    def second(x):  # same gates, other wires
        qml.RX(x[0], "b")
        qml.CNOT(["b", "a"])
        qml.Rot(x[1], x[2], x[0], "a")
        qml.CRY(x[1], ["c", "b"])
        qml.IsingZZ(x[2], ["a", "c"])

    def third(x):  # a gate more, one fixed angle
        first(x)
        qml.RY(0.3, "b")
        qml.GlobalPhase(x[1])

    return [first, second, third]


def test_cached_structures_match_default_qubit_values_and_gradients() -> None:
    wires = ["a", "b", "c"]
    H = qml.Hamiltonian([0.5, -1.2, 0.3], [qml.X("a") @ qml.Z("b"), qml.Y("c"), qml.Z("a")])
    observables = [H, qml.Z("b"), qml.X("c") @ qml.Y("a")]
    dev = _dev(wires)
    rng = np.random.default_rng(7)
    # the same device sees every structure and observable twice, in turn
    for _ in range(2):
        for body in _structures():
            for obs in observables:

                def f(x, body=body, obs=obs):
                    body(x)
                    return qml.expval(obs)

                x = pnp.array(rng.uniform(-2, 2, 3), requires_grad=True)
                got = qml.QNode(f, dev, diff_method="adjoint")
                want = qml.QNode(f, _ref(wires), diff_method="parameter-shift")
                np.testing.assert_allclose(got(x), want(x), atol=ATOL)
                np.testing.assert_allclose(qml.grad(got)(x), qml.grad(want)(x), atol=1e-8)
    # one template per structure, whatever the observable: the second round reuses them
    assert len(dev._translator._templates) == 3


def test_changed_literal_parameter_between_steps() -> None:
    """A non-trainable angle is compiled into the circuit: a new value is a new one."""
    dev = _dev(2)

    def f(x, fixed):
        qml.RX(x, 0)
        qml.RY(fixed, 1)
        qml.CNOT([1, 0])
        return qml.expval(qml.Z(0))

    x = pnp.array(0.4, requires_grad=True)
    for fixed in (0.1, 0.9, 0.1):
        fixed = pnp.array(fixed, requires_grad=False)
        got = qml.QNode(f, dev, diff_method="adjoint")
        want = qml.QNode(f, _ref(2), diff_method="parameter-shift")
        np.testing.assert_allclose(got(x, fixed), want(x, fixed), atol=ATOL)
        np.testing.assert_allclose(qml.grad(got)(x, fixed), qml.grad(want)(x, fixed), atol=1e-8)


def test_cached_state_keeps_global_phases() -> None:
    dev = _dev(2)

    def f(x):
        qml.Rot(x[0], x[1], x[2], 0)
        qml.GlobalPhase(x[1])
        qml.CRZ(x[2], [0, 1])
        return qml.state()

    for x in (np.array([0.3, 0.2, 0.1]), np.array([1.3, -0.7, 2.1])):
        np.testing.assert_allclose(qml.QNode(f, dev)(x), qml.QNode(f, _ref(2))(x), atol=ATOL)


def test_broadcast_after_a_scalar_tape_of_the_same_structure() -> None:
    dev = _dev(2)

    def f(x):
        qml.RX(x, 0)
        qml.CNOT([0, 1])
        qml.RY(0.5 * x, 1)
        return qml.expval(qml.Z(1))

    for x in (pnp.array(0.3, requires_grad=True), pnp.array([0.1, 0.5, 0.9], requires_grad=True)):
        got = qml.QNode(f, dev, diff_method="adjoint")
        want = qml.QNode(f, _ref(2), diff_method="backprop")
        np.testing.assert_allclose(got(x), want(x), atol=ATOL)
        np.testing.assert_allclose(qml.jacobian(got)(x), qml.jacobian(want)(x), atol=1e-8)


def test_broadcast_expand_only_splits_broadcast_tapes() -> None:
    dev = _dev(2)
    config = dev.setup_execution_config(qml.devices.ExecutionConfig(gradient_method="adjoint"))
    pipeline = dev.preprocess_transforms(config)
    scalar = _tape([qml.RX(0.3, 0), qml.CNOT([0, 1])])
    tapes, _ = pipeline((scalar,))
    assert len(tapes) == 1
    broadcast = _tape([qml.RX(np.array([0.1, 0.2, 0.3]), 0), qml.CNOT([0, 1])])
    tapes, post = pipeline((broadcast,))
    assert len(tapes) == 3 and all(t.batch_size is None for t in tapes)
    values = post(dev.execute(tapes, config))
    np.testing.assert_allclose(values[0], np.cos([0.1, 0.2, 0.3]), atol=ATOL)
