"""ferroq.cirq.Simulator against cirq.Simulator: final states (with global phase, in
Cirq's big-endian order), sweeps, expectation values, measurements and their keys."""

from __future__ import annotations

import numpy as np
import pytest

cirq = pytest.importorskip("cirq")
import sympy  # noqa: E402

import ferroq  # noqa: E402
import ferroq.cirq as fcirq  # noqa: E402

ATOL = 1e-9


def ours(**kw: object) -> fcirq.Simulator:
    return fcirq.Simulator(backend="cpu", precision="double", seed=7, **kw)  # type: ignore[arg-type]


def ref() -> cirq.Simulator:
    return cirq.Simulator(dtype=np.complex128, seed=7)


@pytest.mark.parametrize("seed", range(6))
def test_random_circuits_match_cirq_final_state(seed: int) -> None:
    qubits = cirq.LineQubit.range(5)
    c = cirq.testing.random_circuit(qubits, n_moments=10, op_density=0.9, random_state=seed)
    a = ours().simulate(c, qubit_order=qubits).final_state_vector
    b = ref().simulate(c, qubit_order=qubits).final_state_vector
    assert np.allclose(a, b, atol=ATOL)


def test_big_endian_on_asymmetric_states() -> None:
    a, b, c = cirq.LineQubit.range(3)
    # b is idle: cirq.I keeps it in the circuit. First qubit = most significant bit.
    circuit = cirq.Circuit(cirq.X(a), cirq.H(c), cirq.I(b))
    vec = ours().simulate(circuit).final_state_vector
    assert np.allclose(vec, ref().simulate(circuit).final_state_vector, atol=ATOL)
    assert np.allclose(abs(vec[[4, 5]]), 2**-0.5)
    # qubit_order reversed moves the X to the least significant bit
    vec2 = ours().simulate(circuit, qubit_order=[c, b, a]).final_state_vector
    assert np.allclose(abs(vec2[[1, 5]]), 2**-0.5)
    # a two-qubit unitary on (a, b): its matrix is big-endian in Cirq
    u = cirq.testing.random_unitary(4, random_state=1)
    circuit2 = cirq.Circuit(cirq.X(c), cirq.MatrixGate(u).on(a, c), cirq.CNOT(c, b))
    assert np.allclose(
        ours().simulate(circuit2).final_state_vector,
        ref().simulate(circuit2).final_state_vector,
        atol=ATOL,
    )
    assert ours().simulate(circuit, initial_state=2).final_state_vector.shape == (8,)
    assert np.allclose(
        ours().simulate(circuit, initial_state=3).final_state_vector,
        ref().simulate(circuit, initial_state=3).final_state_vector,
        atol=ATOL,
    )


def _param_circuit() -> tuple[cirq.Circuit, list[cirq.Qid]]:
    q = cirq.LineQubit.range(4)
    t, s = sympy.Symbol("t"), sympy.Symbol("s")
    c = cirq.Circuit(
        cirq.H.on_each(*q),
        cirq.rx(2 * t + 0.1).on(q[0]),
        cirq.ry(s).on(q[1]),
        cirq.rz(t - s / 2).on(q[2]),
        (cirq.X**t).on(q[3]),
        (cirq.Y ** (s + 0.25)).on(q[0]),
        cirq.ZPowGate(exponent=t, global_shift=0.3).on(q[1]),
        cirq.CZ(q[0], q[1]) ** s,
        cirq.CNOT(q[2], q[3]) ** t,
        cirq.XX(q[0], q[2]) ** s,
        cirq.YY(q[1], q[3]) ** t,
        cirq.ZZ(q[0], q[3]) ** (0.5 * s),
        cirq.PhasedXPowGate(phase_exponent=t, exponent=s).on(q[2]),
        cirq.ISWAP(q[1], q[2]) ** 0.3,
        cirq.FSimGate(theta=0.4, phi=0.2).on(q[0], q[1]),
        cirq.CCZ(q[0], q[1], q[3]),
        cirq.SWAP(q[2], q[0]),
    )
    return c, q


def test_sweeps_match_cirq_linspace_zip_product() -> None:
    c, q = _param_circuit()
    sweeps = [
        cirq.Linspace("t", -1.0, 1.0, 5) * cirq.Points("s", [0.2, 1.3]),  # Product
        cirq.Zip(cirq.Linspace("t", 0.0, 1.0, 3), cirq.Linspace("s", 1.0, 0.0, 3)),
        [{"t": 0.3, "s": -0.4}],
    ]
    for sweep in sweeps:
        a = ours().simulate_sweep(c, sweep)
        b = ref().simulate_sweep(c, sweep)
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert x.params == y.params
            assert np.allclose(x.final_state_vector, y.final_state_vector, atol=ATOL)


def test_non_affine_symbol_is_a_clear_error() -> None:
    q = cirq.LineQubit(0)
    t = sympy.Symbol("t")
    with pytest.raises(ferroq.ParameterError, match="affine"):
        ours().simulate(cirq.Circuit(cirq.rx(t * t).on(q)), {"t": 0.1})
    with pytest.raises(ferroq.ParameterError, match="no value"):
        ours().simulate(cirq.Circuit(cirq.rx(t).on(q)))


def test_expectation_values_match_cirq() -> None:
    c, q = _param_circuit()
    obs = [
        cirq.Z(q[0]) * cirq.Z(q[1]),
        0.5 * cirq.X(q[0]) - 1.5 * cirq.Y(q[2]) * cirq.Z(q[3]) + 0.25,
        cirq.Z(q[3]),
    ]
    sweep = cirq.Linspace("t", -1.0, 1.0, 4) * cirq.Points("s", [0.1, 0.9])
    a = ours().simulate_expectation_values_sweep(c, obs, sweep)
    b = ref().simulate_expectation_values_sweep(c, obs, sweep)
    assert np.allclose(np.array(a), np.real(np.array(b)), atol=1e-8)
    fixed = cirq.Circuit(cirq.X(q[0]), cirq.measure(q[0], key="m"))
    with pytest.raises(ValueError, match="terminal measurements"):
        ours().simulate_expectation_values(fixed, cirq.Z(q[0]))
    v = ours().simulate_expectation_values(fixed, cirq.Z(q[0]), permit_terminal_measurements=True)
    assert np.allclose(v, [-1.0])


def test_run_measurement_keys_invert_mask_and_repeated_keys() -> None:
    a, b, c = cirq.LineQubit.range(3)
    circuit = cirq.Circuit(
        cirq.X(a),
        cirq.measure(a, b, key="ab", invert_mask=(False, True)),
        cirq.measure(c, key="c"),
    )
    r = ours().run(circuit, repetitions=5)
    r_ref = ref().run(circuit, repetitions=5)
    assert r.records["ab"].shape == r_ref.records["ab"].shape == (5, 1, 2)
    assert np.array_equal(r.measurements["ab"], r_ref.measurements["ab"])
    assert np.array_equal(r.measurements["c"], r_ref.measurements["c"])
    assert r.records["ab"].dtype == r_ref.records["ab"].dtype
    rep = cirq.Circuit(cirq.measure(a, key="k"), cirq.X(a), cirq.measure(a, key="k"))
    rr = ours().run(rep, repetitions=3)
    assert rr.records["k"].shape == (3, 2, 1)
    assert np.array_equal(rr.records["k"][:, :, 0], [[0, 1]] * 3)


def test_run_sweep_statistics_match() -> None:
    q = cirq.LineQubit.range(3)
    t = sympy.Symbol("t")
    c = cirq.Circuit(
        cirq.H(q[0]), cirq.ry(t).on(q[1]), cirq.CNOT(q[0], q[2]), cirq.measure(*q, key="m")
    )
    sweep = cirq.Points("t", [0.0, np.pi, np.pi / 2])
    reps = 4000
    res = ours().run_sweep(c, sweep, repetitions=reps)
    assert len(res) == 3
    for r, tv in zip(res, [0.0, np.pi, np.pi / 2]):
        m = r.measurements["m"]
        assert m.shape == (reps, 3)
        assert np.array_equal(m[:, 0], m[:, 2])  # GHZ-like correlation
        assert abs(m[:, 0].mean() - 0.5) < 0.05
        assert abs(m[:, 1].mean() - np.sin(tv / 2) ** 2) < 0.05
        assert r.params.value_of("t") == tv
    with pytest.raises(ValueError, match="no measurements"):
        ours().run(cirq.Circuit(cirq.H(q[0])))


def test_mid_circuit_measurement_and_classical_control() -> None:
    a, b = cirq.LineQubit.range(2)
    c = cirq.Circuit(
        cirq.H(a),
        cirq.measure(a, key="a"),
        cirq.X(b).with_classical_controls("a"),
        cirq.measure(b, key="b"),
        cirq.reset(a),
        cirq.measure(a, key="z"),
    )
    r = ours().run(c, repetitions=2000)
    assert np.array_equal(r.measurements["a"], r.measurements["b"])
    assert not r.measurements["z"].any()
    assert abs(r.measurements["a"].mean() - 0.5) < 0.05
    s = ours().simulate(c)
    assert s.measurements["a"][0] == s.measurements["b"][0]
    assert np.allclose(abs(s.final_state_vector[int(s.measurements["b"][0])]), 1.0)


def test_seed_reproducible_and_single_precision() -> None:
    q = cirq.LineQubit.range(2)
    c = cirq.Circuit(cirq.H.on_each(*q), cirq.measure(*q, key="m"))
    r1 = fcirq.Simulator(seed=3, backend="cpu").run(c, repetitions=50)
    r2 = fcirq.Simulator(seed=3, backend="cpu").run(c, repetitions=50)
    assert np.array_equal(r1.measurements["m"], r2.measurements["m"])
    single = fcirq.Simulator(backend="cpu", precision="single")
    c2 = cirq.Circuit(cirq.H(q[0]), cirq.CNOT(q[0], q[1]))
    v = single.simulate(c2).final_state_vector
    assert v.dtype == np.complex64
    assert np.allclose(v, cirq.Simulator().simulate(c2).final_state_vector, atol=1e-6)


def test_from_cirq_and_lazy_import() -> None:
    a, b = cirq.LineQubit.range(2)
    fc = fcirq.from_cirq(cirq.Circuit(cirq.CNOT(a, b)))
    # Cirq qubit a (first) is ferroq qubit 1
    assert fc[0].name == "cx" and fc[0].controls == [1] and fc[0].targets == [0]
    assert ferroq.cirq is fcirq


def test_circuit_operations_are_unrolled() -> None:
    a, b = cirq.LineQubit.range(2)
    sub = cirq.FrozenCircuit(cirq.H(a), cirq.CNOT(a, b), cirq.measure(a, b, key="m"))
    c = cirq.Circuit(cirq.X(b), cirq.CircuitOperation(sub))
    r = ours().run(c, repetitions=500)
    m = r.measurements["m"]
    assert m.shape == (500, 2) and np.array_equal(m[:, 0], 1 - m[:, 1])


def test_import_ferroq_needs_neither_qiskit_nor_cirq() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ferroq; ferroq.Simulator(backend='cpu');"
        "assert 'qiskit' not in sys.modules and 'cirq' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sampler_interface_and_unsupported_operations() -> None:
    a, b = cirq.LineQubit.range(2)
    t = sympy.Symbol("t")
    c = cirq.Circuit(cirq.ry(t).on(a), cirq.CNOT(a, b), cirq.measure(a, b, key="m"))
    df = ours().sample(c, repetitions=20, params=cirq.Points("t", [0.0, np.pi]))
    assert len(df) == 40 and set(df["m"][:20]) == {0} and set(df["m"][20:]) == {3}
    noisy = cirq.Circuit(cirq.depolarize(0.1).on(a), cirq.measure(a, key="m"))
    with pytest.raises(ferroq.UnsupportedError, match="noise"):
        ours().run(noisy)
    qutrit = cirq.LineQid(0, dimension=3)
    with pytest.raises(ferroq.UnsupportedError, match="qubits"):
        ours().simulate(cirq.Circuit(cirq.IdentityGate(qid_shape=(3,)).on(qutrit)))


@pytest.mark.parametrize(
    "backend,precision",
    [(b.name, p) for b in ferroq.backends() for p in b.precisions],
)
def test_simulator_on_every_backend(backend: str, precision: str) -> None:
    tol = 2e-4 if precision == "single" else 1e-9
    c, q = _param_circuit()
    sweep = cirq.Linspace("t", -1.0, 1.0, 3) * cirq.Points("s", [0.4])
    sim = fcirq.Simulator(backend=backend, precision=precision, seed=1)
    for x, y in zip(sim.simulate_sweep(c, sweep), ref().simulate_sweep(c, sweep)):
        assert np.allclose(x.final_state_vector, y.final_state_vector, atol=tol)
    obs = [cirq.Z(q[0]) * cirq.X(q[3])]
    a = sim.simulate_expectation_values_sweep(c, obs, sweep)
    b = ref().simulate_expectation_values_sweep(c, obs, sweep)
    assert np.allclose(np.array(a), np.real(np.array(b)), atol=tol)


def test_compute_amplitudes_match_cirq() -> None:
    c, q = _param_circuit()
    sweep = cirq.Points("t", [0.1, 0.7]) * cirq.Points("s", [0.3])
    bits = [0, 1, 5, 8, 15]
    a = ours().compute_amplitudes_sweep(c, bits, sweep)
    b = ref().compute_amplitudes_sweep(c, bits, sweep)
    assert np.allclose(np.array(a), np.array(b), atol=ATOL)


def test_sweeps_without_symbols_reuse_one_run_unless_random() -> None:
    a, b = cirq.LineQubit.range(2)
    fixed = cirq.Circuit(cirq.H(a), cirq.CNOT(a, b))
    trials = ours().simulate_sweep(fixed, [{}] * 3)
    assert all(np.allclose(t.final_state_vector, trials[0].final_state_vector) for t in trials)
    random = cirq.Circuit(cirq.H(a), cirq.CNOT(a, b), cirq.reset(a))
    states = [t.final_state_vector for t in ours().simulate_sweep(random, [{}] * 40)]
    ones = sum(abs(s[1]) > 0.5 for s in states)  # b = 1: index 0b01 (a is the high bit)
    assert 5 < ones < 35


def test_trials_own_independent_states() -> None:
    # The last trial of a symbol-free sweep takes ferroq's vector without a copy; every
    # trial's state must still be its own (changing one leaves the others and Cirq's
    # own reference untouched) and behave like a Cirq state (further simulation on it).
    a, b = cirq.LineQubit.range(2)
    fixed = cirq.Circuit(cirq.H(a), cirq.CNOT(a, b), cirq.S(b))
    want = ref().simulate(fixed).final_state_vector
    trials = ours().simulate_sweep(fixed, [{}] * 3)
    tensors = [t._final_simulator_state.target_tensor for t in trials]
    tensors[2][...] = 0
    tensors[0][...] = 0
    assert np.allclose(trials[1].final_state_vector, want, atol=ATOL)
    one = ours().simulate(fixed)
    assert np.allclose(one.final_state_vector, want, atol=ATOL)
    state = one._final_simulator_state.copy()
    cirq.act_on(cirq.X(a), state)
    then_x = ref().simulate(fixed + cirq.Circuit(cirq.X(a))).final_state_vector
    assert np.allclose(state.target_tensor.reshape(-1), then_x, atol=ATOL)
