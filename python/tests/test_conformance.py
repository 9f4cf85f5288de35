"""The Rust conformance suite's behaviours, reached through Python and checked against
the numpy reference, on every available backend and precision."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferroq
import reference as ref
from conftest import Both, close, random_circuit, tol


def prepare(both: Both, rng: np.random.Generator) -> None:
    """A generic entangled starting state, so every gate acts non-trivially."""
    for q in range(both.n):
        both.gate("u", *rng.uniform(-3, 3, size=3).tolist(), q)
    for q in range(both.n - 1):
        both.gate("cx", q, q + 1)


@pytest.mark.parametrize("name", sorted(ref.GATES))
def test_every_gate_matches_its_matrix(sim: ferroq.Simulator, name: str) -> None:
    rng = np.random.default_rng(7)
    n = 4
    nparams, nctrl, ntarg, _ = ref.GATES[name]
    for qubits in ([0, 1, 2, 3][: nctrl + ntarg], [3, 1, 0, 2][: nctrl + ntarg]):
        both = Both(n)
        prepare(both, rng)
        params = rng.uniform(-3, 3, size=nparams).tolist()
        both.gate(name, *params, *qubits)
        sv = sim.run(both.circuit).statevector
        assert close(sv, both.state(), tol(sim)), name


def test_statevector_dtype_follows_precision(sim: ferroq.Simulator) -> None:
    sv = sim.run(ferroq.Circuit(2).h(0)).statevector
    want = np.complex64 if sim.precision == "single" else np.complex128
    assert sv.dtype == want and sv.shape == (4,)
    assert sim.run(ferroq.Circuit(1)).probabilities().dtype == np.float64


@pytest.mark.parametrize("seed", range(6))
def test_random_circuits(sim: ferroq.Simulator, seed: int) -> None:
    n = 3 + seed % 4
    both, values = random_circuit(n, 40, seed, symbolic=seed % 2 == 1)
    res = sim.run(both.circuit, params=values)
    want = both.state()
    t = tol(sim) * 10
    assert close(res.statevector, want, t)
    assert close(res.probabilities(), np.abs(want) ** 2, t)
    assert close(res.marginal([n - 1, 0]), ref.marginal(want, [n - 1, 0]), t)


def test_fused_and_unfused_agree() -> None:
    both, values = random_circuit(6, 60, 99, symbolic=True)
    a = ferroq.Simulator("cpu", fusion=True).run(both.circuit, params=values).statevector
    b = ferroq.Simulator("cpu", fusion=False).run(both.circuit, params=values).statevector
    assert close(a, b, 1e-10) and close(a, both.state(), 1e-10)


def test_ghz(sim: ferroq.Simulator) -> None:
    n = 10
    c = ferroq.Circuit(n).h(0)
    for q in range(1, n):
        c.cx(q - 1, q)
    p = sim.run(c).probabilities()
    want = np.zeros(2**n)
    want[0] = want[-1] = 0.5
    assert close(p, want, tol(sim))
    counts = sim.sample(c, shots=2000)
    assert set(counts) <= {"0" * n, "1" * n} and sum(counts.values()) == 2000
    assert 800 < counts["0" * n] < 1200


def test_qft_of_basis_state(sim: ferroq.Simulator) -> None:
    n, j = 5, 11
    c = ferroq.Circuit(n)
    for q in range(n):
        if (j >> q) & 1:
            c.x(q)
    for t in reversed(range(n)):  # textbook QFT, most significant qubit first
        c.h(t)
        for k in reversed(range(t)):
            c.cp(math.pi / 2 ** (t - k), k, t)
    for q in range(n // 2):
        c.swap(q, n - 1 - q)
    want = np.exp(2j * np.pi * j * np.arange(2**n) / 2**n) / math.sqrt(2**n)
    assert close(sim.run(c).statevector, want, tol(sim))


def test_named_and_affine_parameters(sim: ferroq.Simulator) -> None:
    c = ferroq.Circuit(2).h(0).rx("theta", 1).rz("2*theta + 0.1", 0).cp("-phi/2", 0, 1)
    assert c.parameters == ["phi", "theta"]
    got = sim.run(c, params={"theta": 0.3, "phi": np.float32(1.5)}).statevector
    both = Both(2)
    both.gate("h", 0).gate("rx", 0.3, 1).gate("rz", 0.7, 0).gate("cp", -0.75, 0, 1)
    assert close(got, both.state(), tol(sim))


def test_expectation_values(sim: ferroq.Simulator) -> None:
    both, _ = random_circuit(3, 30, 5)
    psi = both.state()
    obs = ferroq.Observable("0.5*ZZI - XIX + 0.25*Y1 + 2")
    want = ref.expectation(
        psi, 3, [(0.5, [("Z", 1), ("Z", 2)]), (-1, [("X", 0), ("X", 2)]), (0.25, [("Y", 1)]), (2, [])]
    )
    assert abs(sim.expectation(both.circuit, obs) - want) < tol(sim) * 10
    assert abs(sim.expectation(both.circuit, "0.5*ZZI - XIX + 0.25*Y1 + 2") - want) < tol(sim) * 10
    res = sim.run(both.circuit)
    vals = res.expectations(["ZII", obs])
    assert vals.shape == (2,)
    assert abs(vals[0] - ref.expectation(psi, 3, [(1, [("Z", 2)])])) < tol(sim) * 10
    assert abs(res.expectation(obs) - want) < tol(sim) * 10


def test_sampling_matches_probabilities(sim: ferroq.Simulator) -> None:
    both, _ = random_circuit(3, 20, 3)
    p = np.abs(both.state()) ** 2
    shots = 20000
    counts = sim.run(both.circuit).sample(shots)
    for i in range(8):
        f = counts.get(format(i, "03b"), 0) / shots
        assert abs(f - p[i]) < 5 * math.sqrt(p[i] * (1 - p[i]) / shots) + 2e-3
    idx = sim.run(both.circuit).sample_indices(100)
    assert idx.dtype == np.uint64 and idx.shape == (100,) and int(idx.max()) < 8


def test_terminal_measurements_map_to_clbits(sim: ferroq.Simulator) -> None:
    c = ferroq.Circuit(3, 2).x(0).x(2).measure(2, 0).measure(1, 1)
    assert sim.sample(c, shots=50) == {"01": 50}
    assert sim.sample(ferroq.Circuit(3).x(0).x(2), shots=5) == {"101": 5}


def test_seeded_sampling_is_reproducible() -> None:
    c = ferroq.Circuit(4).h(0).h(1).h(2).h(3)
    a = ferroq.Simulator("cpu", seed=5).sample(c, shots=500)
    b = ferroq.Simulator("cpu", seed=5).sample(c, shots=500)
    assert a == b
    r = ferroq.Simulator("cpu", seed=5).run(c)
    assert r.sample(100, seed=3) == r.sample(100, seed=3)


def test_mid_circuit_measurement_and_reset(sim: ferroq.Simulator) -> None:
    both = Both(2, 2)
    both.gate("h", 0).measure(0, 0).gate("x", 1).c_if([0], 1).reset(0).gate("h", 0).measure(0, 1)
    dist: dict[str, float] = {}
    for b in both.branches():
        key = "".join(str(x) for x in reversed(b.bits))
        dist[key] = dist.get(key, 0) + b.prob
    shots = 4000 if sim.backend == "cpu" else 300  # one run per shot: keep the GPU short
    counts = sim.sample(both.circuit, shots=shots)
    assert set(counts) <= set(dist)
    for k, p in dist.items():
        assert abs(counts.get(k, 0) / shots - p) < 5 * math.sqrt(p * (1 - p) / shots) + 2e-3
    res = sim.run(both.circuit)
    bits = res.classical_bits
    assert len(bits) == 2 and set(bits) <= {"0", "1"}
    # qubit 1 was flipped exactly when clbit 0 read 1
    assert abs(res.marginal([1])[1] - int(bits[-1])) < tol(sim)


def test_teleportation_with_classical_control(sim: ferroq.Simulator) -> None:
    theta, phi, lam = 0.7, 1.1, -0.4
    c = ferroq.Circuit(3, 2).u(theta, phi, lam, 0)
    c.h(1).cx(1, 2).cx(0, 1).h(0).measure(0, 0).measure(1, 1)
    c.x(2).c_if([1], 1).z(2).c_if([0], 1)
    psi = ref.u3(theta, phi, lam) @ np.array([1, 0])
    rho = np.outer(psi, psi.conj())
    for _ in range(5):  # random branches: qubit 2 always holds the input state
        res = sim.run(c)
        for p in "XYZ":
            want = float(np.real(np.trace(rho @ ref.PAULI[p])))
            assert abs(res.expectation(f"{p}2") - want) < tol(sim) * 10


def test_inverse_undoes_the_circuit(sim: ferroq.Simulator) -> None:
    both, values = random_circuit(4, 30, 11, symbolic=True)
    c = both.circuit + both.circuit.inverse()
    want = np.zeros(16)
    want[0] = 1
    assert close(np.abs(sim.run(c, params=values).statevector), want, tol(sim) * 10)


def test_compose_with_qubit_map(sim: ferroq.Simulator) -> None:
    bell = ferroq.Circuit(2).h(0).cx(0, 1)
    c = ferroq.Circuit(4).compose(bell, [3, 1])
    p = sim.run(c).probabilities()
    assert abs(p[0] - 0.5) < tol(sim) and abs(p[0b1010] - 0.5) < tol(sim)


@pytest.mark.parametrize("readout", ["statevector", "probabilities"])
def test_run_batch_matches_single_runs(sim: ferroq.Simulator, readout: str) -> None:
    c = ferroq.Circuit(3).h(0).rx("theta", 1).cx(0, 2).ry("phi", 2)
    thetas = np.linspace(0, 2, 17)
    out = sim.run_batch(c, params={"theta": thetas, "phi": 0.4}, readout=readout)
    assert out.shape == (17, 8)
    for i, t in enumerate(thetas):
        r = sim.run(c, params={"theta": t, "phi": 0.4})
        want = r.statevector if readout == "statevector" else r.probabilities()
        assert close(out[i], want, tol(sim))


def test_run_batch_expectations(sim: ferroq.Simulator) -> None:
    c = ferroq.Circuit(2).ry("a", 0).cx(0, 1).rx("b", 1)
    a = np.linspace(-1, 1, 40)
    b = np.arange(40) % 3
    obs = [ferroq.Observable("ZZ"), "0.5*XI - Z0", ferroq.Observable("YY") * 2]
    out = sim.run_batch(c, params={"a": a, "b": b}, observables=obs)
    assert out.shape == (40, 3) and out.dtype == np.float64
    for i in range(40):
        psi = ref.final_state(
            2, [("gate", ref.ry(a[i]), [0], [], None), ("gate", ref.X, [1], [0], None),
                ("gate", ref.rx(float(b[i])), [1], [], None)]
        )
        want = [
            ref.expectation(psi, 2, [(1, [("Z", 0), ("Z", 1)])]),
            ref.expectation(psi, 2, [(0.5, [("X", 1)]), (-1, [("Z", 0)])]),
            ref.expectation(psi, 2, [(2, [("Y", 0), ("Y", 1)])]),
        ]
        assert close(out[i], np.array(want), tol(sim) * 10)
    listed = sim.run_batch(c, params=[{"a": 0.1, "b": 0.2}, {"a": 0.3, "b": 0.4}], observables=["ZZ"])
    assert listed.shape == (2, 1)


def test_large_state_on_all_cores() -> None:
    # above the parallel threshold: the multi-threaded kernels agree with the reference
    n = 15
    both, _ = random_circuit(n, 12, 21)
    sv = ferroq.Simulator("cpu", threads=2).run(both.circuit).statevector
    assert close(sv, both.state(), 1e-9)
