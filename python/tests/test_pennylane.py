"""The PennyLane device `ferroq.qubit` against PennyLane's `default.qubit`: every
measurement, analytic and with shots, gradients (adjoint, Jacobians and VJPs),
broadcasting, wire labels and PennyLane's big-endian wire order. PennyLane's own device
suite runs separately (`pl-device-test --device ferroq.qubit`, in scripts/test.sh)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

qml = pytest.importorskip("pennylane")
pnp = qml.numpy

from ferroq.pennylane import FerroqQubit  # noqa: E402

ATOL = 1e-9


def ferroq_dev(wires, **kw):
    return qml.device("ferroq.qubit", wires=wires, **kw)


def default_dev(wires):
    return qml.device("default.qubit", wires=wires)


def ansatz(x, wires):
    """Asymmetric in the wires, touches every natively mapped gate kind."""
    a, b, c = wires
    qml.Hadamard(a)
    qml.RX(x[0], wires=b)
    qml.RY(x[1], wires=c)
    qml.CNOT(wires=[a, b])
    qml.Rot(x[2], x[0], x[1], wires=c)
    qml.CRX(x[1], wires=[c, a])
    qml.CRY(x[2], wires=[a, c])
    qml.CRZ(x[0], wires=[b, c])
    qml.CRot(x[0], x[1], x[2], wires=[b, a])
    qml.IsingXX(x[1], wires=[a, c])
    qml.IsingYY(x[2], wires=[b, a])
    qml.IsingZZ(x[0], wires=[c, b])
    qml.PhaseShift(x[1], wires=a)
    qml.ControlledPhaseShift(x[2], wires=[a, b])
    qml.U3(x[0], x[1], x[2], wires=b)
    qml.U2(x[1], x[2], wires=a)
    qml.S(a)
    qml.T(b)
    qml.SX(c)
    qml.adjoint(qml.S(c))
    qml.adjoint(qml.T(a))
    qml.CY(wires=[c, a])
    qml.CZ(wires=[a, b])
    qml.CH(wires=[b, c])
    qml.SWAP(wires=[a, c])
    qml.ISWAP(wires=[b, c])
    qml.Toffoli(wires=[c, a, b])
    qml.CCZ(wires=[a, b, c])
    qml.CSWAP(wires=[b, a, c])
    qml.MultiControlledX(wires=[a, c, b], control_values=[0, 1])
    qml.RZ(x[2], wires=a)


X = np.array([0.3, -1.1, 2.0])


def test_entry_point_and_lazy_import() -> None:
    dev = qml.device("ferroq.qubit", wires=2)
    assert isinstance(dev, FerroqQubit)
    assert dev.name == "ferroq.qubit"
    code = "import sys, ferroq; assert 'pennylane' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_big_endian_wire_order_on_asymmetric_states() -> None:
    dev = ferroq_dev(3)

    @qml.qnode(dev)
    def c():
        qml.PauliX(0)  # wire 0 is the most significant bit in PennyLane
        qml.RY(0.4, wires=2)
        return qml.state(), qml.probs(wires=[0]), qml.probs(wires=[2, 0]), qml.expval(qml.Z(0))

    state, p0, p20, z0 = c()
    want = np.zeros(8, dtype=complex)
    want[0b100] = np.cos(0.2)
    want[0b101] = np.sin(0.2)
    np.testing.assert_allclose(state, want, atol=ATOL)
    np.testing.assert_allclose(p0, [0, 1], atol=ATOL)
    # probs over wires [2, 0]: index = 2*bit(wire 2) + bit(wire 0)
    np.testing.assert_allclose(p20, [0, np.cos(0.2) ** 2, 0, np.sin(0.2) ** 2], atol=ATOL)
    assert z0 == pytest.approx(-1.0)


@pytest.mark.parametrize("wires", [[0, 1, 2], ["a", 7, "x1"], [2, 0, 1]])
def test_analytic_measurements_match_default_qubit(wires) -> None:
    a, b, c = wires
    H = qml.Hamiltonian([0.5, -1.2, 0.3], [qml.X(a) @ qml.Z(b), qml.Y(c), qml.Z(a) @ qml.Z(c)])
    herm = np.array([[1.0, 2 - 1j, 0, 0], [2 + 1j, -1, 0, 0.5], [0, 0, 3, 0], [0, 0.5, 0, 0.2]])
    herm = (herm + herm.conj().T) / 2
    measurements = lambda: [  # noqa: E731
        qml.state(),
        qml.probs(wires=[c, a]),
        qml.probs(),
        qml.expval(qml.X(a)),
        qml.expval(H),
        qml.expval(qml.Hadamard(b)),
        qml.expval(qml.Hermitian(herm, wires=[c, b])),
        qml.expval(qml.Projector([1, 0], wires=[a, b])),
        qml.expval(qml.Y(a) @ qml.X(c) + 0.5 * qml.Z(b)),
        qml.var(qml.Z(b)),
        qml.var(H),
        qml.var(qml.Hermitian(herm, wires=[a, c])),
        qml.probs(op=qml.X(b)),
        qml.density_matrix(wires=[b]),
    ]

    def circuit(x):
        ansatz(x, wires)
        return tuple(measurements())

    got = qml.QNode(circuit, ferroq_dev(wires))(X)
    want = qml.QNode(circuit, default_dev(wires))(X)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-8)


def test_state_prep_basis_state_and_matrix_gates() -> None:
    rng = np.random.default_rng(3)
    psi = rng.normal(size=4) + 1j * rng.normal(size=4)
    psi /= np.linalg.norm(psi)
    u = qml.math.expand_matrix(qml.Rot(0.1, 0.2, 0.3, wires=0).matrix(), [0], [0])
    u3 = np.linalg.qr(rng.normal(size=(8, 8)) + 1j * rng.normal(size=(8, 8)))[0]

    def circuit():
        qml.StatePrep(psi, wires=[2, 0])
        qml.QubitUnitary(u3, wires=[1, 2, 0])
        qml.QubitUnitary(u, wires=[1])
        qml.DiagonalQubitUnitary(np.exp(1j * np.array([0.1, 0.2, 0.3, 0.4])), wires=[0, 2])
        qml.ECR(wires=[2, 1])
        qml.SingleExcitation(0.4, wires=[0, 1])
        qml.DoubleExcitation(0.3, wires=[0, 1, 2, 3])
        qml.MultiRZ(0.7, wires=[3, 1, 0])
        qml.PauliRot(0.2, "XYZ", wires=[0, 2, 3])
        qml.QFT(wires=[0, 1, 2])
        qml.GlobalPhase(0.3)
        return qml.state()

    np.testing.assert_allclose(
        qml.QNode(circuit, ferroq_dev(4))(), qml.QNode(circuit, default_dev(4))(), atol=1e-8
    )

    def basis():
        qml.BasisState(np.array([1, 0, 1]), wires=[0, 1, 2])
        return qml.state()

    assert np.argmax(np.abs(qml.QNode(basis, ferroq_dev(3))())) == 0b101


def test_dynamic_wires() -> None:
    dev = qml.device("ferroq.qubit")

    @qml.qnode(dev)
    def c():
        qml.PauliX("q")
        qml.CNOT(wires=["q", "r"])
        return qml.probs(wires=["r", "q"])

    np.testing.assert_allclose(c(), [0, 0, 0, 1], atol=ATOL)


def test_shots_measurements_are_consistent_with_analytic() -> None:
    wires = [0, 1, 2]
    H = qml.Hamiltonian([0.5, -1.2, 0.3], [qml.X(0) @ qml.Z(1), qml.Y(2), qml.Z(0) @ qml.Z(2)])

    def circuit(x):
        ansatz(x, wires)
        return (
            qml.expval(qml.X(0)),
            qml.expval(H),
            qml.var(qml.Y(1)),
            qml.probs(wires=[2, 0]),
            qml.expval(qml.Hermitian(np.diag([1.0, 2.0]), wires=1)),
        )

    exact = qml.QNode(circuit, default_dev(wires))(X)
    shots = 40_000
    got = qml.set_shots(qml.QNode(circuit, ferroq_dev(wires, seed=11)), shots=shots)(X)
    for g, w in zip(got, exact):
        np.testing.assert_allclose(g, w, atol=0.03)
    again = qml.set_shots(qml.QNode(circuit, ferroq_dev(wires, seed=11)), shots=shots)(X)
    for g, w in zip(got, again):
        np.testing.assert_array_equal(g, w)


def test_samples_counts_and_shot_vectors() -> None:
    dev = ferroq_dev(["a", "b"], seed=5)

    @qml.qnode(dev)
    def c():
        qml.PauliX("a")
        qml.Hadamard("b")
        return qml.sample(), qml.sample(qml.Z("a")), qml.counts(wires=["b"]), qml.counts()

    s, sz, cb, call = qml.set_shots(c, shots=1000)()
    assert s.shape == (1000, 2)
    assert np.all(s[:, 0] == 1)  # wire "a" (first) is |1>
    assert set(np.unique(s[:, 1])) == {0, 1}
    assert np.all(sz == -1)
    assert sum(cb.values()) == 1000 and set(cb) == {"0", "1"}
    assert set(call) == {"10", "11"}

    r = qml.set_shots(c, shots=[10, 20, (5, 3)])()
    assert len(r) == 5
    assert [x[0].shape[0] for x in r] == [10, 20, 5, 5, 5]


class _Spy:
    """Forwards to a ferroq.Simulator, recording the names of the methods called."""

    def __init__(self, sim):
        self.sim = sim
        self.calls: list[str] = []

    def __getattr__(self, name):
        self.calls.append(name)
        return getattr(self.sim, name)


def test_broadcasting_runs_as_one_batch() -> None:
    dev = ferroq_dev(3)
    spy = dev._sim = _Spy(dev._sim)

    def circuit(x, y):
        qml.RX(x, wires=0)
        qml.RY(y, wires=1)
        qml.CNOT(wires=[0, 2])
        return qml.expval(qml.Z(0) @ qml.Z(2)), qml.var(qml.X(1))

    xs = np.linspace(0, 2, 7)
    got = qml.QNode(circuit, dev)(xs, 0.3)
    want = qml.QNode(circuit, default_dev(3))(xs, 0.3)
    assert spy.calls == ["run_batch"]
    np.testing.assert_allclose(got, want, atol=ATOL)

    def states(x):
        qml.RX(x, wires=0)
        qml.Hadamard(1)
        return qml.state(), qml.probs(wires=[1, 0])

    got = qml.QNode(states, dev)(xs)
    want = qml.QNode(states, default_dev(3))(xs)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=ATOL)


@pytest.mark.parametrize("diff_method", ["adjoint", "best"])
def test_adjoint_gradients_match_default_qubit(diff_method) -> None:
    wires = ["a", "b", "c"]
    H = qml.Hamiltonian([0.5, -1.2, 0.3], [qml.X("a") @ qml.Z("b"), qml.Y("c"), qml.Z("a")])

    def circuit(x):
        ansatz(x, wires)
        return (
            qml.expval(H),
            qml.expval(qml.Z("b")),
            qml.expval(qml.Hermitian(np.diag([1.0, 3.0]), "c")),
        )

    x = pnp.array(X, requires_grad=True)
    got = qml.jacobian(
        lambda x: pnp.stack(qml.QNode(circuit, ferroq_dev(wires), diff_method=diff_method)(x))
    )(x)
    want = qml.jacobian(
        lambda x: pnp.stack(
            qml.QNode(circuit, default_dev(wires), diff_method="parameter-shift")(x)
        )
    )(x)
    np.testing.assert_allclose(got, want, atol=1e-8)

    def scalar(x):
        ansatz(x, wires)
        return qml.expval(H)

    g = qml.grad(qml.QNode(scalar, ferroq_dev(wires), diff_method=diff_method))(x)
    w = qml.grad(qml.QNode(scalar, default_dev(wires), diff_method="parameter-shift"))(x)
    np.testing.assert_allclose(g, w, atol=1e-8)


def test_adjoint_device_jacobian_and_vjp_modes() -> None:
    wires = 3

    def circuit(x, y):
        qml.RX(x, wires=0)
        qml.RY(0.4, wires=1)  # fixed
        qml.CNOT(wires=[0, 1])
        qml.RZ(y, wires=1)
        qml.RX(y, wires=2)
        return qml.expval(qml.X(1)), qml.expval(qml.Z(0) @ qml.Y(2))

    x = pnp.array(0.7, requires_grad=True)
    y = pnp.array(-0.2, requires_grad=True)
    want = qml.jacobian(lambda x, y: pnp.stack(qml.QNode(circuit, default_dev(wires))(x, y)))(x, y)
    for vjp in (True, False):
        q = qml.QNode(circuit, ferroq_dev(wires), diff_method="adjoint", device_vjp=vjp)
        got = qml.jacobian(lambda x, y: pnp.stack(q(x, y)))(x, y)
        np.testing.assert_allclose(got, want, atol=1e-8)


def test_adjoint_broadcast_and_batches_go_to_gradient_batch() -> None:
    dev = ferroq_dev(2)
    spy = dev._sim = _Spy(dev._sim)

    def circuit(x):
        qml.RX(x, wires=0)
        qml.CNOT(wires=[0, 1])
        qml.RY(0.5 * x, wires=1)
        return qml.expval(qml.Z(1))

    xs = pnp.array([0.1, 0.5, 0.9], requires_grad=True)
    got = qml.jacobian(qml.QNode(circuit, dev, diff_method="adjoint"))(xs)
    want = qml.jacobian(qml.QNode(circuit, default_dev(2), diff_method="backprop"))(xs)
    np.testing.assert_allclose(got, want, atol=1e-8)
    assert "gradient_batch" in spy.calls and "gradient" not in spy.calls


def test_adjoint_refuses_shots_and_uses_parameter_shift_for_best() -> None:
    def circuit(x):
        qml.RX(x, wires=0)
        return qml.expval(qml.Z(0))

    x = pnp.array(0.4, requires_grad=True)
    q = qml.set_shots(qml.QNode(circuit, ferroq_dev(1, seed=1), diff_method="adjoint"), shots=100)
    with pytest.raises(
        Exception, match="(?i)finite shots|not accepted|analytic|does not support adjoint"
    ):
        qml.grad(q)(x)
    q = qml.set_shots(qml.QNode(circuit, ferroq_dev(1, seed=1), diff_method="best"), shots=20000)
    assert qml.grad(q)(x) == pytest.approx(-np.sin(0.4), abs=0.05)


def test_mid_circuit_measurements_deferred() -> None:
    def circuit(x):
        qml.RX(x, wires=0)
        m = qml.measure(0)
        qml.cond(m, qml.Hadamard)(1)
        return qml.expval(qml.Z(1)), qml.probs(wires=[0, 1]), qml.expval(m)

    got = qml.QNode(circuit, ferroq_dev(3))(0.8)
    want = qml.QNode(circuit, default_dev(3))(0.8)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=ATOL)


def test_single_precision_and_options() -> None:
    dev = ferroq_dev(2, precision="single")
    assert dev.simulator.precision == "single"

    @qml.qnode(dev)
    def c(x):
        qml.RX(x, wires=0)
        return qml.expval(qml.Z(0))

    assert c(0.3) == pytest.approx(np.cos(0.3), abs=1e-5)
    with pytest.raises(qml.exceptions.DeviceError):
        ferroq_dev(2, precision="half")
    assert ferroq_dev(2, c_dtype=np.complex64).simulator.precision == "single"
    assert ferroq_dev(2).simulator.precision == "double"


def test_tracker_counts_executions() -> None:
    dev = ferroq_dev(1)

    @qml.qnode(dev)
    def c(x):
        qml.RX(x, wires=0)
        return qml.expval(qml.Z(0))

    with qml.Tracker(dev) as tracker:
        c(0.1)
        c(0.2)
    assert tracker.totals["executions"] == 2


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PennyLane 0.45 on newer JAX
@pytest.mark.parametrize("device_vjp", [True, False])
def test_jax_interface_jacobian_grad_and_jit(device_vjp) -> None:
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    jax.config.update("jax_enable_x64", True)

    def circuit(x):
        qml.RX(x[0], wires=0)
        qml.CNOT(wires=[0, 1])
        qml.RY(x[1], wires=1)
        qml.CRZ(x[0], wires=[1, 0])
        return qml.expval(qml.Z(1)), qml.expval(qml.X(0) @ qml.Z(1))

    f = qml.QNode(
        circuit, ferroq_dev(2), diff_method="adjoint", interface="jax", device_vjp=device_vjp
    )
    g = qml.QNode(circuit, default_dev(2), interface="jax")
    x = jnp.array([0.3, 0.7])
    np.testing.assert_allclose(
        jax.jacobian(lambda x: jnp.stack(f(x)))(x),
        jax.jacobian(lambda x: jnp.stack(g(x)))(x),
        atol=1e-8,
    )
    scalar = lambda q: lambda x: q(x)[0] + 2 * q(x)[1]  # noqa: E731
    np.testing.assert_allclose(jax.jit(jax.grad(scalar(f)))(x), jax.grad(scalar(g))(x), atol=1e-8)


def test_torch_interface_backward() -> None:
    torch = pytest.importorskip("torch")

    def circuit(x):
        qml.RX(x[0], wires=0)
        qml.CNOT(wires=[0, 1])
        qml.RY(x[1], wires=1)
        return qml.expval(qml.Z(1) + 0.5 * qml.X(0))

    for dev, kw in ((ferroq_dev(2), {"diff_method": "adjoint"}), (default_dev(2), {})):
        x = torch.tensor([0.3, 0.7], dtype=torch.float64, requires_grad=True)
        qml.QNode(circuit, dev, interface="torch", **kw)(x).backward()
        if kw:
            got = x.grad.detach().numpy()
        else:
            want = x.grad.detach().numpy()
    np.testing.assert_allclose(got, want, atol=1e-8)


def test_parameter_shift_tapes_run_as_one_batch() -> None:
    dev = ferroq_dev(3)
    spy = dev._sim = _Spy(dev._sim)

    def circuit(x):
        ansatz(x, [0, 1, 2])
        return qml.expval(qml.Z(0) @ qml.X(2)), qml.var(qml.Y(1))

    x = pnp.array(X, requires_grad=True)
    got = qml.jacobian(
        lambda x: pnp.stack(qml.QNode(circuit, dev, diff_method="parameter-shift")(x))
    )(x)
    want = qml.jacobian(
        lambda x: pnp.stack(qml.QNode(circuit, default_dev(3), diff_method="parameter-shift")(x))
    )(x)
    np.testing.assert_allclose(got, want, atol=1e-8)
    assert "run_batch" in spy.calls


@pytest.mark.parametrize("precision", ["single", "double"])
def test_wgpu_backend(precision) -> None:
    import ferroq

    info = {b.name: b for b in ferroq.backends(include_unavailable=True)}
    if "wgpu" not in info or not info["wgpu"].available:
        pytest.skip("no wgpu adapter")
    if precision not in info["wgpu"].precisions:
        pytest.skip(f"the wgpu adapter has no {precision} precision")
    wires = [0, 1, 2]
    H = qml.Hamiltonian([0.5, -1.2], [qml.X(0) @ qml.Z(1), qml.Y(2)])

    def circuit(x):
        ansatz(x, wires)
        return qml.expval(H), qml.probs(wires=[2, 0]), qml.var(qml.X(1))

    atol = 1e-4 if precision == "single" else 1e-9
    dev = ferroq_dev(wires, backend="wgpu", precision=precision)
    for g, w in zip(qml.QNode(circuit, dev)(X), qml.QNode(circuit, default_dev(wires))(X)):
        np.testing.assert_allclose(g, w, atol=atol)

    def energy(x):
        ansatz(x, wires)
        return qml.expval(H)

    x = pnp.array(X, requires_grad=True)
    got = qml.grad(qml.QNode(energy, dev, diff_method="adjoint"))(x)
    want = qml.grad(qml.QNode(energy, default_dev(wires), diff_method="parameter-shift"))(x)
    np.testing.assert_allclose(got, want, atol=10 * atol)


def test_shots_with_broadcasting_and_shot_vectors_match_default_qubit_shapes() -> None:
    H = qml.Hamiltonian([0.5, -1.2, 0.3], [qml.X(0) @ qml.Z(1), qml.Y(1), qml.Z(0) @ qml.Z(1)])

    def circuit(x):
        qml.RX(x, wires=0)
        qml.CNOT(wires=[0, 1])
        qml.RY(0.3, wires=1)
        return (
            qml.expval(H),
            qml.counts(wires=[0, 1], all_outcomes=True),
            qml.var(H),
            qml.sample(qml.X(0) @ qml.Y(1)),
            qml.probs(wires=[1]),
        )

    xs = np.array([0.1, 1.2, 2.0])
    shots = [20_000, 30_000]
    got = qml.set_shots(qml.QNode(circuit, ferroq_dev(2, seed=3)), shots=shots)(xs)
    ref = qml.set_shots(qml.QNode(circuit, default_dev(2)), shots=shots)(xs)
    assert len(got) == len(ref) == 2
    for g_bin, r_bin, n in zip(got, ref, shots):
        for g, r in zip(g_bin, r_bin):
            assert type(g) is type(r)
            if isinstance(g, list):
                assert [sorted(d) for d in g] == [sorted(d) for d in r]
                assert all(sum(d.values()) == n for d in g)
            else:
                assert np.shape(g) == np.shape(r)
        np.testing.assert_allclose(g_bin[0], r_bin[0], atol=0.06)
        np.testing.assert_allclose(g_bin[2], r_bin[2], atol=0.1)
        np.testing.assert_allclose(g_bin[4], r_bin[4], atol=0.03)


def test_adjoint_keeps_an_initial_state_prep() -> None:
    rng = np.random.default_rng(0)
    psi = rng.normal(size=8) + 1j * rng.normal(size=8)
    psi /= np.linalg.norm(psi)

    def circuit(x):
        qml.StatePrep(psi, wires=[0, 1, 2])
        qml.RX(x, wires=1)
        qml.CNOT(wires=[1, 2])
        return qml.expval(qml.Z(2) @ qml.X(0))

    x = pnp.array(0.4, requires_grad=True)
    q = qml.QNode(circuit, ferroq_dev(3), diff_method="adjoint")
    ref = qml.QNode(circuit, default_dev(3), diff_method="backprop")
    assert q(x) == pytest.approx(float(ref(x)), abs=1e-10)
    assert qml.grad(q)(x) == pytest.approx(float(qml.grad(ref)(x)), abs=1e-10)
    tape = qml.workflow.construct_batch(q, level="device")(x)[0][0]
    assert tape.operations[0].name == "StatePrep"  # one Householder unitary, not Mottonen


def test_broadcast_phases_and_fixed_matrices() -> None:
    xs = np.linspace(0, 2, 4)

    def phases(x):
        qml.Rot(x, 0.3, 2 * x, wires=0)  # one ferroq u gate and a tracked phase
        qml.GlobalPhase(x)
        qml.CRot(x, 0.2, 0.1, wires=[0, 1])
        qml.U2(x, 0.4, wires=1)
        qml.QubitUnitary(qml.RX(0.3, wires=0).matrix(), wires=1)
        return qml.state()

    def state_prep(x):  # a broadcast StatePrep: split into one run per row
        qml.StatePrep(np.stack([np.cos(x), np.sin(x), 0 * x, 0 * x], axis=-1), wires=[0, 1])
        qml.RY(x, wires=1)
        return qml.state()

    for circuit in (phases, state_prep):
        got = qml.QNode(circuit, ferroq_dev(2))(xs)
        want = qml.QNode(circuit, default_dev(2))(xs)
        np.testing.assert_allclose(got, want, atol=ATOL)


def test_best_falls_back_when_adjoint_cannot_differentiate() -> None:
    def circuit(a):  # a trainable state preparation: not differentiable by the adjoint method
        qml.StatePrep(pnp.stack([pnp.cos(a), pnp.sin(a)]), wires=0)
        qml.RX(0.2, wires=0)
        return qml.expval(qml.Z(0))

    a = pnp.array(0.3, requires_grad=True)
    got = qml.grad(qml.QNode(circuit, ferroq_dev(1), diff_method="best"))(a)
    assert got == pytest.approx(-2 * np.sin(2 * 0.3) * np.cos(0.2), abs=1e-8)


def _mcm_circuit(x):
    H = qml.Hamiltonian([0.5, -1.2], [qml.X(0) @ qml.Z(1), qml.Y(1)])
    qml.RX(x, wires=0)
    m0 = qml.measure(0)
    qml.RY(2 * x, wires=1)
    m1 = qml.measure(1, reset=True)
    qml.cond(m0 & m1, qml.PauliX)(2)
    qml.cond(m0 + m1 == 1, qml.RZ)(0.4, wires=0)
    qml.Hadamard(0)
    return (
        qml.expval(qml.Z(2)),
        qml.probs(wires=[0, 1]),
        qml.expval(m0),
        qml.var(qml.X(0)),
        qml.expval(H),
        qml.probs(op=m1),
    )


def test_mid_circuit_measurements_one_shot_natively() -> None:
    # analytic reference: deferred measurements on default.qubit with spare wires
    exact = qml.QNode(_mcm_circuit, default_dev(6))(0.9)
    dev = ferroq_dev(3, seed=4)  # no spare wires: the measurements run in ferroq
    spy = dev._sim = _Spy(dev._sim)
    got = qml.set_shots(qml.QNode(_mcm_circuit, dev), shots=20_000)(0.9)
    assert "sample" in spy.calls
    for g, w in zip(got, exact):
        np.testing.assert_allclose(g, w, atol=0.04)
    # analytic execution of the same circuit on ferroq defers the measurements
    np.testing.assert_allclose(qml.QNode(_mcm_circuit, ferroq_dev(6))(0.9)[4], exact[4], atol=ATOL)


def test_one_shot_postselection_and_samples_of_measurement_values() -> None:
    def circuit(x):
        qml.RX(x, wires=0)
        m0 = qml.measure(0, postselect=1)
        qml.cond(m0, qml.RY)(0.7, wires=1)
        return qml.expval(qml.Z(1)), qml.sample(qml.Z(0)), qml.sample(m0)

    z1, z0, m = qml.set_shots(qml.QNode(circuit, ferroq_dev(2, seed=9)), shots=10_000)(0.9)
    kept = len(m)
    assert abs(kept / 10_000 - np.sin(0.45) ** 2) < 0.03  # hw-like: failed shots dropped
    assert np.all(m == 1) and np.all(z0 == -1) and z0.shape == (kept,)
    assert z1 == pytest.approx(np.cos(0.7), abs=0.05)


def test_execute_batches_of_tapes_directly() -> None:
    dev = ferroq_dev(2)
    fixed = qml.tape.QuantumScript(
        [qml.Hadamard(0), qml.CNOT([0, 1])], [qml.expval(qml.Z(0) @ qml.Z(1))]
    )
    assert dev.execute([fixed, fixed, fixed]) == pytest.approx((1.0, 1.0, 1.0))
    t = [qml.tape.QuantumScript([qml.RX(x, 0)], [qml.expval(qml.Z(0))]) for x in (0.3, 0.5, 0.3)]
    assert dev.execute(t) == pytest.approx(tuple(np.cos([0.3, 0.5, 0.3])))
