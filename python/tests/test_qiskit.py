"""ferroq.qiskit against Qiskit itself: circuits through `Statevector`, the primitives
through `StatevectorEstimator` / `StatevectorSampler` (the scenarios of Qiskit's own
test_statevector_estimator.py / test_statevector_sampler.py: shapes, broadcasting,
registers, errors), and the backend through `transpile` + `run`."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

qiskit = pytest.importorskip("qiskit")

from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister, transpile  # noqa: E402
from qiskit.circuit import Parameter, ParameterVector  # noqa: E402
from qiskit.circuit.library import (  # noqa: E402
    CXGate,
    QFTGate,
    RYGate,
    UnitaryGate,
    efficient_su2,
    qaoa_ansatz,
    real_amplitudes,
)
from qiskit.circuit.random import random_circuit  # noqa: E402
from qiskit.primitives import (  # noqa: E402
    BackendSamplerV2,
    StatevectorEstimator,
    StatevectorSampler,
)
from qiskit.quantum_info import (  # noqa: E402
    Operator,
    SparseObservable,
    SparsePauliOp,
    Statevector,
    random_unitary,
)

import ferroq  # noqa: E402
from ferroq.qiskit import (  # noqa: E402
    EstimatorV2,
    FerroqBackend,
    SamplerV2,
    from_qiskit,
    parameter_names,
    to_qiskit,
)

SIM = ferroq.Simulator(backend="cpu", precision="double", seed=5)
ATOL = 1e-9


def ferroq_state(qc: QuantumCircuit, values: dict | None = None) -> np.ndarray:
    names = parameter_names(qc)
    params = {names[p]: float(v) for p, v in (values or {}).items()}
    return SIM.statevector(from_qiskit(qc), params or None)


def qiskit_state(qc: QuantumCircuit, values: dict | None = None) -> np.ndarray:
    return Statevector(qc.assign_parameters(values) if values else qc).data


def estimator() -> EstimatorV2:
    return EstimatorV2(backend="cpu", precision="double", seed=11)


def sampler(**kw: object) -> SamplerV2:
    return SamplerV2(backend="cpu", precision="double", seed=11, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# from_qiskit / to_qiskit


@pytest.mark.parametrize("seed", range(8))
def test_random_circuits_match_statevector_with_global_phase(seed: int) -> None:
    qc = random_circuit(5, 8, max_operands=3, seed=seed)
    assert np.allclose(ferroq_state(qc), qiskit_state(qc), atol=ATOL)


def test_every_standard_gate_and_asymmetric_endianness() -> None:
    qc = QuantumCircuit(4)
    qc.x(0)  # |0001>: qubit 0 is the least significant bit in both libraries
    assert np.argmax(abs(ferroq_state(qc))) == 1
    a = Parameter("a")
    qc.h(1)
    qc.s(2)
    qc.sdg(3)
    qc.t(1)
    qc.tdg(2)
    qc.sx(3)
    qc.sxdg(0)
    qc.y(1)
    qc.z(2)
    qc.id(3)
    qc.rx(0.3, 0)
    qc.ry(a, 1)
    qc.rz(0.5, 2)
    qc.p(0.7, 3)
    qc.u(0.1, 0.2, 0.3, 0)
    qc.r(0.4, 0.9, 1)
    qc.cx(0, 1)
    qc.cy(1, 2)
    qc.cz(2, 3)
    qc.ch(3, 0)
    qc.cp(0.2, 0, 2)
    qc.crx(a, 1, 3)
    qc.cry(0.4, 2, 0)
    qc.crz(0.6, 3, 1)
    qc.cu(0.1, 0.2, 0.3, 0.4, 0, 3)
    qc.swap(1, 2)
    qc.iswap(0, 3)
    qc.rxx(0.3, 0, 1)
    qc.ryy(a, 1, 2)
    qc.rzz(0.8, 2, 3)
    qc.ccx(0, 1, 2)
    qc.ccz(1, 2, 3)
    qc.cswap(3, 0, 1)
    qc.mcx([0, 1, 2], 3)
    qc.rzx(0.3, 0, 2)
    qc.ecr(1, 3)
    qc.dcx(0, 1)
    qc.csx(2, 3)
    qc.cs(0, 1)
    qc.csdg(1, 0)
    qc.append(CXGate(ctrl_state=0), [2, 1])  # open control
    qc.append(RYGate(a).control(2, ctrl_state="01", annotated=False), [0, 1, 3])
    qc.append(UnitaryGate(random_unitary(4, seed=1)), [3, 1])
    qc.append(UnitaryGate(random_unitary(8, seed=2)), [2, 0, 3])
    qc.global_phase = 0.37
    vals = {a: 0.77}
    assert np.allclose(ferroq_state(qc, vals), qiskit_state(qc, vals), atol=ATOL)
    names = [i.name for i in from_qiskit(qc)]
    assert "cx" in names and "cu" in names and "ccx" in names and "cccx" in names


def test_parameters_stay_symbolic_affine_expressions() -> None:
    a, b = Parameter("a"), Parameter("b")
    v = ParameterVector("θ", 3)
    qc = QuantumCircuit(3)
    qc.h([0, 1, 2])
    qc.rx(2 * a + 0.1, 0)
    qc.rz(a - b / 2, 1)
    qc.cp(-v[0], 1, 2)
    qc.ry(v[1] * 3 - v[2], 2)
    qc.global_phase = a / 2 + 0.2  # symbolic global phase
    fc = from_qiskit(qc)
    assert set(fc.parameters) == {"a", "b", "θ_0", "θ_1", "θ_2"}
    rx = [i for i in fc if i.name == "rx"]
    assert len(rx) == 1 and isinstance(rx[0].params[0], str) and "a" in rx[0].params[0]
    vals = {a: 0.3, b: -1.2, v[0]: 0.5, v[1]: 0.25, v[2]: 2.0}
    assert np.allclose(ferroq_state(qc, vals), qiskit_state(qc, vals), atol=ATOL)


def test_non_affine_expression_is_a_clear_error() -> None:
    a = Parameter("alpha")
    qc = QuantumCircuit(1)
    qc.rx(a * a, 0)
    with pytest.raises(ferroq.ParameterError, match="alpha"):
        from_qiskit(qc)
    qc2 = QuantumCircuit(1)
    qc2.rx(a.sin(), 0)
    with pytest.raises(ferroq.ParameterError, match="sin"):
        from_qiskit(qc2)


def test_registers_measure_reset_barrier_if_test() -> None:
    q = QuantumRegister(3, "q")
    c0, c1 = ClassicalRegister(2, "c0"), ClassicalRegister(1, "c1")
    qc = QuantumCircuit(q, c0, c1)
    qc.x(0)
    qc.barrier()
    qc.measure(0, c0[1])
    qc.reset(0)
    with qc.if_test((c0, 2)):
        qc.x(2)
    with qc.if_test((c0[1], False)) as else_:
        qc.x(1)
    with else_:
        qc.h(1)
        qc.h(1)
    qc.measure(2, c1[0])
    qc.measure(1, c0[0])
    fc = from_qiskit(qc)
    assert fc.num_clbits == 3
    assert [i.name for i in fc][:4] == ["x", "barrier", "measure", "reset"]
    conds = [i.condition for i in fc if i.condition is not None]
    assert conds[0] == ([0, 1], 2) and ([1], 1) in conds
    # c0 = q1 q0 = "10" (q1 = H H = 0 through the else branch), c1 = q2 = 1 through the
    # register condition; clbit 0 rightmost.
    assert SIM.sample(fc, 10) == {"110": 10}
    res = sampler().run([qc], shots=20).result()[0]
    assert res.data.c0.get_counts() == {"10": 20} and res.data.c1.get_counts() == {"1": 20}


def test_unsupported_control_flow_is_a_clear_error() -> None:
    qc = QuantumCircuit(1, 1)
    with qc.for_loop(range(2)):
        qc.x(0)
    with pytest.raises(ferroq.UnsupportedError, match="for_loop"):
        from_qiskit(qc)


def test_library_circuits_with_parameter_vectors() -> None:
    rng = np.random.default_rng(3)
    for qc in (
        efficient_su2(4, reps=2),
        real_amplitudes(4, reps=2),
        qaoa_ansatz(SparsePauliOp(["ZZII", "IZZI", "ZIIZ"]), reps=2),
    ):
        vals = dict(zip(qc.parameters, rng.uniform(-2, 2, qc.num_parameters)))
        assert np.allclose(ferroq_state(qc, vals), qiskit_state(qc, vals), atol=ATOL)
    qft = QuantumCircuit(5)
    qft.x([0, 3])
    qft.append(QFTGate(5), range(5))
    assert np.allclose(ferroq_state(qft), qiskit_state(qft), atol=ATOL)


def test_to_qiskit_round_trip() -> None:
    c = ferroq.Circuit(3, 2)
    c.h(0)
    c.cx(0, 1)
    c.rx("2*t + 0.5", 2)
    c.cu(0.1, 0.2, 0.3, 0.4, 2, 0)
    c.mcx([0, 1], 2)
    c.ccz(0, 1, 2)
    c.unitary(Operator(random_unitary(4, seed=3)).data, [2, 0])
    c.crz("t", 1, 2)
    c.measure(0, 0)
    c.x(1)
    c.c_if(0, 1)
    c.measure(1, 1)
    qc = to_qiskit(c)
    assert [p.name for p in qc.parameters] == ["t"]
    assert qc.num_clbits == 2 and len(qc.cregs) == 1
    back = from_qiskit(qc)
    assert back.num_qubits == 3 and back.parameters == ["t"]
    unitary = ferroq.Circuit(3).h(0).cx(0, 1).rx("2*t + 0.5", 2).iswap(1, 2).ryy("-t", 0, 2)
    uq = to_qiskit(unitary)
    vals = {uq.parameters[0]: 0.4}
    assert np.allclose(
        SIM.statevector(unitary, {"t": 0.4}), Statevector(uq.assign_parameters(vals)).data, atol=ATOL
    )


# ---------------------------------------------------------------------------------------
# EstimatorV2 against StatevectorEstimator


def _paulis(obs: object) -> object:
    """The reference estimator takes Pauli sums only: projectors expanded."""
    if isinstance(obs, SparseObservable):
        return SparsePauliOp.from_sparse_observable(obs)
    if isinstance(obs, list):
        return [_paulis(o) for o in obs]
    return obs


def _compare_estimator(pubs: list, atol: float = 1e-8) -> None:
    ours = estimator().run(pubs).result()
    ref_pubs = [(p[0], _paulis(p[1]), *p[2:]) for p in pubs]
    ref = StatevectorEstimator().run(ref_pubs).result()
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref):
        assert a.data.evs.shape == b.data.evs.shape
        assert a.data.stds.shape == b.data.stds.shape
        assert np.allclose(a.data.evs, b.data.evs, atol=atol), (a.data.evs, b.data.evs)
        assert a.metadata["target_precision"] == b.metadata["target_precision"]


def test_estimator_basic_and_broadcasting_shapes() -> None:
    psi = real_amplitudes(num_qubits=2, reps=2)
    hamiltonian = SparsePauliOp.from_list(
        [("II", -1.052), ("IZ", 0.398), ("ZI", -0.398), ("ZZ", -0.011), ("XX", 0.181)]
    )
    rng = np.random.default_rng(0)
    theta = rng.uniform(-np.pi, np.pi, 6)
    obs_list = [SparsePauliOp("ZI"), SparsePauliOp("IX"), SparsePauliOp(["XY", "ZZ"], [0.5, 2.0])]
    _compare_estimator(
        [
            (psi, hamiltonian, theta),  # shape ()
            (psi, hamiltonian, rng.uniform(-1, 1, (4, 6))),  # (4,)
            (psi, obs_list, theta),  # (3,)
            (psi, [[o] for o in obs_list], rng.uniform(-1, 1, (5, 6))),  # (3, 5)
            (psi, obs_list, rng.uniform(-1, 1, (2, 1, 6))),  # (2, 3)
            (psi, obs_list, rng.uniform(-1, 1, (3, 6))),  # zipped (3,)
            (psi, hamiltonian, rng.uniform(-1, 1, (0, 6))),  # empty
        ]
    )


def test_estimator_zipped_many_distinct_observables() -> None:
    # 40 sets zipped with 40 different observables: the pairwise (not product) path.
    qc = efficient_su2(3, reps=1)
    rng = np.random.default_rng(1)
    labels = ["".join(rng.choice(list("IXYZ"), 3)) for _ in range(1200)]
    obs = [SparsePauliOp(lbl, rng.uniform(-1, 1)) for lbl in labels]
    vals = rng.uniform(-1, 1, (1200, qc.num_parameters))
    _compare_estimator([(qc, obs, vals)])


def test_estimator_library_circuits_and_observable_kinds() -> None:
    rng = np.random.default_rng(2)
    qaoa = qaoa_ansatz(SparsePauliOp(["ZZIII", "IZZII", "IIZZI", "ZIIIZ"]), reps=2)
    su2 = efficient_su2(5, reps=2)
    qft = QuantumCircuit(5)
    qft.h(range(5))
    qft.rz(Parameter("x"), 2)
    qft.append(QFTGate(5), range(5))
    obs = [
        SparsePauliOp(["ZZIIX", "YIIIZ"], [0.3, -0.8]),
        SparseObservable.from_sparse_list([("0+", [0, 3], 1.5), ("Zr", [1, 4], 0.5)], 5),
        "XXYYZ",
    ]
    pubs = [
        (c, obs, rng.uniform(-2, 2, (4, 1, c.num_parameters)))
        for c in (qaoa, su2, qft)
    ]
    _compare_estimator(pubs)


def test_estimator_no_parameters_and_metadata() -> None:
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.cx(0, 1)
    qc.x(2)  # asymmetric: <Z2> = -1, <Z0> = 0
    res = estimator().run([(qc, ["IIZ", "ZII", "IZZ", "XXI"])]).result()
    assert np.allclose(res[0].data.evs, [0.0, -1.0, 1.0, 0.0], atol=1e-12)
    assert res.metadata == {"version": 2}
    qc.metadata = {"name": "bell"}
    assert estimator().run([(qc, "ZII")]).result()[0].metadata["circuit_metadata"] == {"name": "bell"}


def test_estimator_precision_adds_seeded_noise() -> None:
    qc = real_amplitudes(2, reps=1)
    vals = np.zeros((200, qc.num_parameters))
    est = EstimatorV2(backend="cpu", seed=3, default_precision=0.05)
    a = est.run([(qc, "ZZ", vals)]).result()[0]
    b = est.run([(qc, "ZZ", vals)]).result()[0]
    assert np.array_equal(a.data.evs, b.data.evs)  # an int seed reseeds each run
    assert abs(np.mean(a.data.evs) - 1.0) < 0.02 and 0.03 < np.std(a.data.evs) < 0.07
    assert np.all(a.data.stds == 0.05) and a.metadata["target_precision"] == 0.05
    exact = est.run([(qc, "ZZ", vals)], precision=0).result()[0]
    assert np.allclose(exact.data.evs, 1.0) and np.all(exact.data.stds == 0)


def test_estimator_errors() -> None:
    qc = real_amplitudes(2, reps=1)
    with pytest.raises(ValueError, match="inconsistent|number of values"):
        estimator().run([(qc, "ZZ", [0.1])])
    with pytest.raises(ValueError, match="number of qubits"):
        estimator().run([(qc, "ZZZ", np.zeros(qc.num_parameters))])
    with pytest.raises(ValueError):
        estimator().run([(qc, "ZZ", np.zeros((3, qc.num_parameters)))], precision=-1)
    meas = QuantumCircuit(1, 1)
    meas.measure(0, 0)
    with pytest.raises(ferroq.InvalidArgumentError, match="measure"):
        estimator().run([(meas, "Z")]).result()
    with pytest.raises(TypeError, match="default_precision"):
        EstimatorV2(precision=0.1)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# SamplerV2 against StatevectorSampler


def _deterministic(qc: QuantumCircuit, shots: int = 16) -> None:
    ours = sampler().run([qc], shots=shots).result()[0]
    ref = StatevectorSampler(seed=1).run([qc], shots=shots).result()[0]
    assert set(ours.data.keys()) == set(ref.data.keys())
    for name in ref.data.keys():
        a, b = ours.data[name], ref.data[name]
        assert a.num_bits == b.num_bits and a.num_shots == b.num_shots == shots
        assert a.get_counts() == b.get_counts(), name
        assert np.array_equal(a.array, b.array)


def test_sampler_registers_and_bit_order_match() -> None:
    q = QuantumRegister(4)
    a, b, c = ClassicalRegister(3, "a"), ClassicalRegister(2, "b"), ClassicalRegister(9, "wide")
    qc = QuantumCircuit(q, a, b, c)
    qc.x([0, 3])
    qc.measure(0, a[2])
    qc.measure(1, a[0])
    qc.measure(3, b[0])
    qc.measure(3, c[8])
    qc.measure(0, c[0])
    _deterministic(qc)
    qc2 = QuantumCircuit(3)
    qc2.x(2)
    qc2.measure_all()
    _deterministic(qc2)
    assert sampler().run([qc2], shots=5).result()[0].data.meas.get_counts() == {"100": 5}


def test_sampler_distribution_matches_probabilities() -> None:
    qc = random_circuit(4, 5, seed=9)
    probs = Statevector(qc).probabilities()
    qc.measure_all()
    shots = 20000
    res = sampler().run([qc], shots=shots).result()[0].data.meas
    counts = res.get_int_counts()
    emp = np.array([counts.get(i, 0) for i in range(16)]) / shots
    assert 0.5 * np.abs(emp - probs).sum() < 0.03


def test_sampler_parameter_broadcasting_shapes() -> None:
    qc = real_amplitudes(3, reps=1)
    qc.measure_all()
    rng = np.random.default_rng(4)
    for shape in [(), (5,), (2, 3), (0,)]:
        vals = rng.uniform(-1, 1, shape + (qc.num_parameters,))
        ours = sampler().run([(qc, vals)], shots=64).result()[0]
        ref = StatevectorSampler().run([(qc, vals)], shots=64).result()[0]
        assert ours.data.meas.shape == ref.data.meas.shape == shape
        assert ours.data.meas.num_shots == 64 and ours.metadata["shots"] == 64
    # per-set distributions follow the parameters: ry(pi) flips, ry(0) does not
    c = QuantumCircuit(2)
    t = Parameter("t")
    c.ry(t, 1)
    c.measure_all()
    res = sampler().run([(c, [[0.0], [np.pi], [0.0]])], shots=50).result()[0].data.meas
    assert [res.get_counts(i) for i in range(3)] == [{"00": 50}, {"10": 50}, {"00": 50}]


def test_sampler_pub_shots_and_seed() -> None:
    qc = QuantumCircuit(2)
    qc.h([0, 1])
    qc.measure_all()
    s = sampler(default_shots=33)
    r = s.run([qc, (qc, None, 7)]).result()
    assert r[0].data.meas.num_shots == 33 and r[1].data.meas.num_shots == 7
    r2 = s.run([qc, (qc, None, 7)]).result()
    assert r[0].data.meas == r2[0].data.meas  # an int seed reproduces
    assert s.run([qc], shots=12).result()[0].data.meas.num_shots == 12


def test_sampler_mid_circuit_measurement_and_reset() -> None:
    qc = QuantumCircuit(2, 3)
    t = Parameter("t")
    qc.rx(t, 0)
    qc.measure(0, 0)
    qc.reset(0)
    qc.x(0)
    qc.measure(0, 1)
    qc.cx(0, 1)
    qc.measure(1, 2)
    vals = np.array([[0.0], [np.pi]])
    res = sampler().run([(qc, vals)], shots=40).result()[0].data.c
    assert res.shape == (2,)
    assert res.get_counts(0) == {"110": 40} and res.get_counts(1) == {"111": 40}
    # A coin measured mid-circuit, then flipped and measured again: "01" or "10".
    h = QuantumCircuit(1, 2)
    h.h(0)
    h.measure(0, 0)
    h.x(0)
    h.measure(0, 1)
    counts = sampler().run([h], shots=4000).result()[0].data.c.get_counts()
    assert set(counts) == {"10", "01"} and abs(counts["10"] - 2000) < 250


def test_sampler_circuit_without_registers_and_errors() -> None:
    qc = QuantumCircuit(2)
    qc.h(0)
    with pytest.warns(UserWarning, match="no output classical registers"):
        res = sampler().run([qc]).result()[0]
    assert list(res.data.keys()) == []
    p = Parameter("p")
    qc.rx(p, 1)
    qc.measure_all()
    with pytest.raises(ValueError, match="inconsistent|number of"):
        sampler().run([qc])
    with pytest.raises(ValueError):
        sampler().run([qc], shots=-1)


# ---------------------------------------------------------------------------------------
# FerroqBackend


def test_backend_transpile_run_counts_memory() -> None:
    backend = FerroqBackend(backend="cpu")
    q = QuantumRegister(3)
    a, b = ClassicalRegister(2, "a"), ClassicalRegister(1, "b")
    qc = QuantumCircuit(q, a, b)
    qc.x(0)
    qc.append(UnitaryGate(np.eye(2)), [1])
    qc.measure(0, a[1])
    qc.measure(2, b[0])
    qc.sxdg(1)
    qc.ecr(1, 2)
    t = transpile(qc, backend)
    assert t.num_qubits == 3
    res = backend.run(t, shots=10, memory=True, seed_simulator=4).result()
    counts = res.get_counts()
    assert counts == {"0 10": 10}
    assert res.get_memory() == ["0 10"] * 10
    bell = QuantumCircuit(2)
    bell.h(0)
    bell.cx(0, 1)
    bell.measure_all()
    counts = backend.run([bell, bell], shots=2000, seed_simulator=1).result().get_counts()
    assert len(counts) == 2 and set(counts[0]) == {"00", "11"} and abs(counts[0]["00"] - 1000) < 150
    th = Parameter("th")
    pc = QuantumCircuit(1, 1)
    pc.rx(th, 0)
    pc.measure(0, 0)
    out = backend.run(pc, shots=5, parameter_binds=[{th: math.pi}]).result().get_counts()
    assert out == {"1": 5}
    many = backend.run(pc, shots=5, parameter_binds=[{th: [0.0, math.pi, 0.0]}]).result()
    assert many.get_counts() == [{"0": 5}, {"1": 5}, {"0": 5}]
    with pytest.raises(ferroq.ParameterError, match="th"):
        backend.run(pc, shots=5)
    with pytest.raises(ferroq.InvalidArgumentError, match="unknown run option"):
        backend.run(pc, shotz=5)


def test_backend_sampler_v2_works_on_ferroq_backend() -> None:
    qc = QuantumCircuit(2)
    qc.x(1)
    qc.measure_all()
    res = BackendSamplerV2(backend=FerroqBackend(backend="cpu")).run([qc], shots=8).result()
    assert res[0].data.meas.get_counts() == {"10": 8}


# ---------------------------------------------------------------------------------------
# Scenarios of Qiskit's test_statevector_sampler.py / test_statevector_estimator.py


def _tv(a: object, b: object) -> float:
    """The largest total-variation distance between the per-index distributions of two
    BitArrays (or a BitArray and a dict of int counts)."""
    worst = 0.0
    for idx in np.ndindex(a.shape):  # type: ignore[attr-defined]
        ca = a.get_int_counts(idx)  # type: ignore[attr-defined]
        cb = b.get_int_counts(idx) if hasattr(b, "get_int_counts") else b  # type: ignore[attr-defined]
        na, nb = sum(ca.values()), sum(cb.values())  # type: ignore[union-attr]
        keys = set(ca) | set(cb)  # type: ignore[arg-type]
        d = 0.5 * sum(abs(ca.get(k, 0) / na - cb.get(k, 0) / nb) for k in keys)  # type: ignore[union-attr]
        worst = max(worst, d)
    return worst


def test_sampler_parameter_value_forms_match_statevector_sampler() -> None:
    bell = QuantumCircuit(2)
    bell.h(0)
    bell.cx(0, 1)
    bell.measure_all()
    one = QuantumCircuit(1, 1)
    one.ry(Parameter("x"), 0)
    one.measure(0, 0)
    pqc = real_amplitudes(2, reps=2)
    pqc.measure_all()
    ones = [1.0] * 6
    cases = [
        (bell, v) for v in (None, (), [], np.array([]), ((),), ([],), [[]], [()], np.array([[]]))
    ] + [
        (one, v) for v in ([np.pi], (np.pi,), np.array([np.pi]), [[np.pi]], np.array([[np.pi]]))
    ] + [(pqc, v) for v in (ones, tuple(ones), np.array(ones), [ones], np.array([ones]))]
    for circuit, values in cases:
        ours = sampler().run([(circuit, values)], shots=4000).result()[0]
        ref = StatevectorSampler(seed=3).run([(circuit, values)], shots=4000).result()[0]
        for name in ref.data.keys():
            assert ours.data[name].shape == ref.data[name].shape, (circuit.name, values)
            assert _tv(ours.data[name], ref.data[name]) < 0.04, (circuit.name, values)


def test_sampler_reverse_measurement_order() -> None:
    x, y = Parameter("x"), Parameter("y")
    qc = QuantumCircuit(3, 3)
    qc.rx(x, 0)
    qc.rx(y, 1)
    qc.x(2)
    qc.measure(0, 2)
    qc.measure(1, 1)
    qc.measure(2, 0)
    res = sampler().run([(qc, [0, 0]), (qc, [np.pi / 2, 0])], shots=10000).result()
    assert res[0].data.c.get_int_counts() == {1: 10000}
    assert _tv(res[1].data.c, {1: 5000, 5: 5000}) < 0.02


def test_sampler_multiple_cregs() -> None:
    def circuit(sizes: tuple[int, int, int], qubits: list[int], clbits: list[int]) -> QuantumCircuit:
        regs = [ClassicalRegister(s, name) for s, name in zip(sizes, "abc")]
        qc = QuantumCircuit(QuantumRegister(3), *regs)
        qc.h(range(3))
        if qubits:
            qc.measure(qubits, clbits)
        return qc

    cases = [
        circuit((1, 2, 3), [0, 1, 2, 2], [0, 2, 4, 5]),  # every register
        circuit((1, 5, 3), [0, 1, 2, 2], [0, 2, 4, 5]),  # a and b only
        circuit((1, 2, 3), [1], [5]),  # c only
        circuit((1, 2, 3), [0, 1, 2], [5, 5, 5]),  # one clbit written three times
        circuit((1, 2, 3), [], []),  # no measurement
    ]
    for qc in cases:
        ours = sampler().run([qc], shots=10000).result()[0].data
        ref = StatevectorSampler(seed=3).run([qc], shots=10000).result()[0].data
        assert sorted(ours.keys()) == sorted(ref.keys()) == ["a", "b", "c"]
        for name in "abc":
            assert ours[name].num_bits == ref[name].num_bits
            assert _tv(ours[name], ref[name]) < 0.03, name


def test_sampler_aliased_registers_with_if_test() -> None:
    q = QuantumRegister(3, "q")
    c1, c2 = ClassicalRegister(1, "c1"), ClassicalRegister(1, "c2")
    qc = QuantumCircuit(q, c1, c2)
    qc.ry(np.pi / 4, 2)
    qc.cx(2, 1)
    qc.cx(0, 1)
    qc.h(0)
    qc.measure(0, c1)
    qc.measure(1, c2)
    with qc.if_test((c1, 1)):
        qc.z(2)
    with qc.if_test((c2, 1)):
        qc.x(2)
    qc2 = QuantumCircuit(5, 5)
    qc2.compose(qc, [0, 2, 3], [2, 4], inplace=True)
    names = [r.name for r in qc2.cregs]
    data = sampler().run([qc2], shots=10000).result()[0].data
    assert sorted(data.keys()) == sorted(names)
    # Targets of Qiskit's test (sin^2(pi/8) = 0.146 for c2).
    targets = [{0: 4255, 4: 4297, 16: 720, 20: 726}, {0: 5000, 1: 5000}, {0: 8500, 1: 1500}]
    for name, target in zip(names, targets):
        assert _tv(data[name], target) < 0.03, name


def test_sampler_errors_of_qiskits_suite() -> None:
    qc1 = QuantumCircuit(1)
    qc1.measure_all()
    qc2 = real_amplitudes(1, reps=1)
    qc2.measure_all()
    s = sampler()
    for pub in [(qc1, [1e2]), qc2, (qc2, []), (qc2, None), (qc2, [1e2]), (qc2, [1e2] * 100)]:
        with pytest.raises(ValueError):
            s.run([pub]).result()
    with pytest.raises(ValueError):
        s.run([qc1], shots=-1).result()
    with pytest.raises(ValueError):
        s.run([(qc1, None, -1)]).result()
    loop = QuantumCircuit(1, 1)
    with loop.for_loop(range(5)):
        loop.h(0)
    with pytest.raises(ferroq.UnsupportedError):
        s.run([loop]).result()
    job = s.run([qc1])
    job.result()
    assert job.status().name == "DONE"
    assert SamplerV2(seed=np.random.default_rng(1)).seed is not None and SamplerV2().seed is None


def test_estimator_parameter_value_forms_and_multiple_pubs() -> None:
    psi1 = real_amplitudes(2, reps=2)
    psi2 = real_amplitudes(2, reps=3)
    h1 = SparsePauliOp.from_list([("II", -1.05), ("IZ", 0.39), ("ZI", -0.39), ("ZZ", -0.01), ("XX", 0.18)])
    h2 = SparsePauliOp.from_list([("IZ", 1)])
    h3 = SparsePauliOp.from_list([("ZI", 1), ("ZZ", 1)])
    t1, t2, t3 = [0, 1, 1, 2, 3, 5], [0, 1, 1, 2, 3, 5, 8, 13], [1, 2, 3, 4, 5, 6]
    _compare_estimator(
        [
            (psi1, h1, [t1]),
            (psi2, h2, [t2]),
            (psi1, [h2, h3], [t1, t3]),  # zipped
            (psi1, h3, np.array(t3)),
            (psi1, [[h1], [h3]], [t1, t3]),  # (2, 2)
        ]
    )
    c = QuantumCircuit(1)
    c.ry(Parameter("x"), 0)
    for values in ([np.pi / 2], (np.pi / 2,), np.array([np.pi / 2]), [[np.pi / 2]], [[0.1], [0.2]]):
        _compare_estimator([(c, "Z", values), (c, ["X", "Z"], values)])


def test_wide_unitary_gate_uses_its_matrix() -> None:
    qc = QuantumCircuit(5)
    qc.h(range(5))
    qc.append(UnitaryGate(random_unitary(32, seed=4)), [4, 0, 2, 1, 3])
    assert np.allclose(ferroq_state(qc), qiskit_state(qc), atol=ATOL)
    assert [i.name for i in from_qiskit(qc)][-1] == "unitary"


# ---------------------------------------------------------------------------------------
# The shared QASM corpus through Qiskit, then both primitives

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "qasm"


def _corpus() -> list[Path]:
    return sorted(CORPUS.glob("*.qasm")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not _corpus(), reason=f"corpus folder {CORPUS} is absent")
def test_corpus_through_qiskit_matches_statevector_primitives() -> None:
    from qiskit import qasm2

    rng = np.random.default_rng(5)
    checked = 0
    for path in _corpus():
        try:
            qc = qasm2.load(
                str(path),
                custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS,
                include_path=[str(CORPUS)],
            )
        except Exception:
            continue  # a file Qiskit itself rejects
        if qc.num_qubits > 13:  # Qiskit's Statevector takes seconds beyond (the CI budget)
            continue
        unitary = qc.remove_final_measurements(inplace=False)
        if any(i.operation.name in ("measure", "reset") or i.operation.num_clbits for i in unitary.data):
            # Mid-circuit measurement: the Statevector primitives cannot run it.
            res = sampler().run([qc], shots=64).result()[0]
            assert all(res.data[r.name].num_shots == 64 for r in qc.cregs), path.name
            continue
        n = unitary.num_qubits
        obs = [SparsePauliOp("I" * (n - 1 - q) + "Z" + "I" * q) for q in range(n)]
        obs.append(SparsePauliOp("".join(rng.choice(list("IXYZ"), n)), 0.7))
        ours = estimator().run([(unitary, obs)]).result()[0].data.evs
        ref = StatevectorEstimator().run([(unitary, obs)]).result()[0].data.evs
        assert np.allclose(ours, ref, atol=1e-8), path.name
        if qc.cregs and qc.num_clbits:
            a = sampler().run([qc], shots=3000).result()[0].data
            b = StatevectorSampler(seed=2).run([qc], shots=3000).result()[0].data
            for r in qc.cregs:
                # Per-bit marginals (wide registers spread over too many outcomes for a
                # distance between two 3000-shot histograms), and the whole histogram
                # for narrow ones.
                ma = a[r.name].to_bool_array(order="little").mean(axis=0)
                mb = b[r.name].to_bool_array(order="little").mean(axis=0)
                assert np.allclose(ma, mb, atol=0.06), (path.name, r.name, ma, mb)
                if r.size <= 5:
                    assert _tv(a[r.name], b[r.name]) < 0.08, (path.name, r.name)
        checked += 1
    assert checked >= 20, checked


def test_estimator_scenarios_of_qiskits_suite() -> None:
    from qiskit.primitives.containers.bindings_array import BindingsArray
    from qiskit.primitives.containers.estimator_pub import EstimatorPub
    from qiskit.primitives.containers.observables_array import ObservablesArray

    psi1, psi2 = QuantumCircuit(2), QuantumCircuit(2)
    psi1.append(real_amplitudes(num_qubits=2, reps=2), [0, 1])
    psi2.append(real_amplitudes(num_qubits=2, reps=3), [0, 1])
    h1 = SparsePauliOp.from_list([("II", 1), ("IZ", 2), ("XI", 3)])
    h2 = SparsePauliOp.from_list([("IZ", 1)])
    h3 = SparsePauliOp.from_list([("ZI", 1), ("ZZ", 1)])
    t1, t2, t3 = [0, 1, 1, 2, 3, 5], [0, 1, 1, 2, 3, 5, 8, 13], [1, 2, 3, 4, 5, 6]
    est = estimator()
    # the values Qiskit's own suite asserts
    assert np.allclose(est.run([(psi1, h1, [t1])]).result()[0].data.evs, [1.5555572817900956])
    assert np.allclose(est.run([(psi2, h1, t2)]).result()[0].data.evs, [2.97797666])
    assert np.allclose(est.run([(psi1, [h2, h3], t1)]).result()[0].data.evs, [-0.551653, 0.07535239])
    r = est.run([(psi1, [h1, h3], [t1, t3]), (psi2, h2, t2)]).result()
    assert np.allclose(r[0].data.evs, [1.55555728, -1.08766318])
    assert np.allclose(r[1].data.evs, [0.17849238])
    # explicit EstimatorPubs and an iterator of pubs
    pub1 = EstimatorPub(
        psi1,
        ObservablesArray.coerce([h1, h3]),
        BindingsArray.coerce({tuple(psi1.parameters): [t1, t3]}),
    )
    pub2 = EstimatorPub(psi2, ObservablesArray.coerce(h2), BindingsArray.coerce({tuple(psi2.parameters): t2}))
    r = est.run(iter([pub1, pub2])).result()
    assert np.allclose(r[0].data.evs, [1.55555728, -1.08766318])
    # endianness on 2 qubits
    qc2 = QuantumCircuit(2)
    qc2.x(0)
    vals = est.run([(qc2, ["II", "ZI", "IZ"])]).result()[0].data.evs
    assert np.allclose(vals, [1, 1, -1])
    # errors
    qc = QuantumCircuit(1)
    op = SparsePauliOp("I")
    for bad in ([(qc, "II")], [(qc, op, [[1e4]])], [(QuantumCircuit(2), "II", [[1, 2]])], [(qc, [op, "II"], [[1]])]):
        with pytest.raises(ValueError):
            est.run(bad).result()
    with pytest.raises(ValueError):
        est.run([(qc, 1j * op)], precision=0.1).result()
    with pytest.raises(ValueError, match="pub-like"):
        est.run((qc, op)).result()  # type: ignore[arg-type]


def test_estimator_seed_reseeds_every_pub_as_qiskit() -> None:
    psi = real_amplitudes(2, reps=2)
    h = SparsePauliOp.from_list([("II", 1), ("IZ", 2), ("XI", 3)])
    est = EstimatorV2(backend="cpu", default_precision=1.0, seed=1)
    r = est.run([(psi, h, [[0, 1, 1, 2, 3, 5]]), (psi, h, [[0, 1, 1, 2, 3, 5]])]).result()
    assert r[0].data.evs[0] == r[1].data.evs[0] != pytest.approx(1.5555572817900956)
    assert np.allclose(est.run([(psi, h, [[0, 1, 1, 2, 3, 5]])], precision=0).result()[0].data.evs, 1.5555572817900956)


def test_estimator_reset_runs_one_trajectory_per_element() -> None:
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.reset(0)
    est = EstimatorV2(backend="cpu", seed=12)
    n = 1000
    for precision in (0.0, 0.01):
        a = est.run([(qc, ["ZI"] * n)], precision=precision).result()[0].data.evs
        b = est.run([(qc, ["ZI"] * n)], precision=precision).result()[0].data.evs
        assert abs(a.mean()) < 0.1 and np.std(a) > 0.5  # stochastic: +-1 per element
        assert np.array_equal(a, b)  # reproducible with the seed
    t = Parameter("t")
    pq = QuantumCircuit(2)
    pq.ry(t, 0)
    pq.cx(0, 1)
    pq.reset(0)
    vals = est.run([(pq, "ZI", np.full((400, 1), np.pi / 2))]).result()[0].data.evs
    assert vals.shape == (400,) and abs(vals.mean()) < 0.15
    assert np.allclose(est.run([(pq, "IZ", np.full((3, 1), np.pi))]).result()[0].data.evs, 1.0)


@pytest.mark.parametrize(
    "backend,precision",
    [(b.name, p) for b in ferroq.backends() for p in b.precisions],
)
def test_primitives_on_every_backend(backend: str, precision: str) -> None:
    tol = 2e-4 if precision == "single" else 1e-9
    qc = real_amplitudes(3, reps=2)
    vals = np.random.default_rng(8).uniform(-1, 1, (6, qc.num_parameters))
    obs = [SparsePauliOp(["ZZI", "IXY"], [0.5, -1.0]), SparsePauliOp("XIZ")]
    pub = (qc, [[o] for o in obs], vals)
    ours = EstimatorV2(backend=backend, precision=precision).run([pub]).result()[0].data.evs
    ref = StatevectorEstimator().run([pub]).result()[0].data.evs
    assert ours.shape == (2, 6) and np.allclose(ours, ref, atol=tol)
    det = QuantumCircuit(3)
    det.x([0, 2])
    det.measure_all()
    s = SamplerV2(backend=backend, precision=precision, seed=1)
    assert s.run([det], shots=9).result()[0].data.meas.get_counts() == {"101": 9}


def test_backend_runs_transpiled_if_test_and_backend_estimator() -> None:
    from qiskit.primitives import BackendEstimatorV2

    backend = FerroqBackend(backend="cpu")
    qc = QuantumCircuit(2, 2)
    qc.x(0)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], True)):
        qc.ecr(0, 1)  # not native: transpiled inside the block
    qc.measure(1, 1)
    t = transpile(qc, backend, optimization_level=1)
    counts = backend.run(t, shots=200, seed_simulator=3).result().get_counts()
    # ECR on |01> (q0 = 1) leaves q1 in an equal superposition
    assert set(counts) == {"01", "11"} and abs(counts["01"] - 100) < 40, counts
    est = BackendEstimatorV2(backend=backend, options={"default_precision": 0.02, "seed_simulator": 1})
    bell = QuantumCircuit(2)
    bell.h(0)
    bell.cx(0, 1)
    ev = est.run([(bell, "ZZ")]).result()[0].data.evs
    assert abs(float(ev) - 1.0) < 0.1


# Qiskit's reference exponentiates the PauliEvolutionGate with scipy, which warns.
@pytest.mark.filterwarnings("ignore::scipy.sparse.SparseEfficiencyWarning")
def test_symbolic_parameters_on_gates_without_a_native_form() -> None:
    from qiskit.circuit.library import MCPhaseGate, PauliEvolutionGate

    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(4)
    qc.h(range(4))
    qc.rzx(a, 0, 2)
    qc.append(qiskit.circuit.library.XXPlusYYGate(a, b), [1, 3])
    qc.append(MCPhaseGate(2 * b - 0.3, 3), [0, 1, 2, 3])
    qc.append(qiskit.circuit.library.CU3Gate(a, b, 0.2), [3, 0])
    qc.append(PauliEvolutionGate(SparsePauliOp(["XYZI", "ZZII"], [0.3, -0.7]), time=b), range(4))
    qc.cry(a, 1, 0, ctrl_state=0)
    vals = {a: 0.61, b: -1.3}
    assert set(from_qiskit(qc).parameters) == {"a", "b"}
    assert np.allclose(ferroq_state(qc, vals), qiskit_state(qc, vals), atol=ATOL)


def test_isa_circuits_on_a_wide_device_run_on_their_active_qubits() -> None:
    from qiskit.providers.fake_provider import GenericBackendV2
    from qiskit.transpiler import generate_preset_pass_manager

    device = GenericBackendV2(num_qubits=40, seed=1)  # 2^40 amplitudes would not fit
    qc = real_amplitudes(3, reps=2)
    vals = np.random.default_rng(6).uniform(-1, 1, (4, qc.num_parameters))
    obs = SparsePauliOp(["ZZI", "XIY", "IZX"], [0.5, -0.3, 1.1])
    pm = generate_preset_pass_manager(optimization_level=1, backend=device, seed_transpiler=3)
    isa = pm.run(qc)
    assert isa.num_qubits == 40
    isa_obs = obs.apply_layout(isa.layout)
    ours = estimator().run([(isa, isa_obs, vals)]).result()[0].data.evs
    ref = StatevectorEstimator().run([(qc, obs, vals)]).result()[0].data.evs
    assert np.allclose(ours, ref, atol=1e-8)
    # Z on an idle qubit is 1, X on it 0.
    idle = next(i for i in range(40) if i not in isa.layout.final_index_layout())
    zz = SparsePauliOp.from_sparse_list([("Z", [idle], 2.0), ("X", [idle], 5.0)], 40)
    assert np.allclose(estimator().run([(isa, zz, vals)]).result()[0].data.evs, 2.0)
    m = qc.measure_all(inplace=False)
    isa_m = pm.run(m)
    a = sampler().run([(isa_m, vals)], shots=3000).result()[0].data.meas
    b = StatevectorSampler(seed=1).run([(m, vals)], shots=3000).result()[0].data.meas
    assert a.shape == b.shape == (4,) and _tv(a, b) < 0.06


def test_composite_instruction_with_measurements() -> None:
    sub = QuantumCircuit(2, 2, name="bell_measure")
    sub.h(0)
    sub.cx(0, 1)
    sub.measure([0, 1], [0, 1])
    qc = QuantumCircuit(3, 3)
    qc.x(2)
    qc.append(sub.to_instruction(), [2, 0], [1, 2])
    res = sampler().run([qc], shots=400).result()[0].data.c.get_counts()
    # q2 = 1 then H: c1 = c2 (Bell pair of q2 and q0), c0 never written
    assert set(res) == {"000", "110"} and abs(res["110"] - 200) < 60
