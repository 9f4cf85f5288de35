"""Noise from Python: channels, NoiseModel, Simulator(noise_model=...), checked
against the exact density matrix (fixed seeds, statistical bounds stated), and, when
Qiskit Aer is installed, ``from_qiskit_noise_model`` against Aer's density-matrix
method."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import ferroq
from ferroq._qiskit_noise import from_qiskit_noise_model


def _model() -> ferroq.NoiseModel:
    m = ferroq.NoiseModel()
    m.add_all_qubit_quantum_error(ferroq.Channel.depolarizing(0.05), ["h", "ry"])
    m.add_all_qubit_quantum_error(ferroq.Channel.depolarizing(0.1, 2), "cx")
    m.add_quantum_error(ferroq.Channel.amplitude_damping(0.2), "ry", [2])
    m.add_all_qubit_readout_error([[0.97, 0.03], [0.1, 0.9]])
    return m


def _circuit(measure: bool = True) -> ferroq.Circuit:
    c = ferroq.Circuit(3).h(0).cx(0, 1).ry(0.7, 2).cx(1, 2).ry(0.3, 2)
    return c.measure_all() if measure else c


def _exact_counts_distribution(sim: ferroq.Simulator) -> dict[str, float]:
    """The classical-register distribution: the density matrix's diagonal with the
    readout confusion applied by hand (independently of ferroq's readout code)."""
    rho = sim.density_matrix(_circuit(measure=False))
    probs = np.real(np.diag(rho))
    conf = np.array([[0.97, 0.03], [0.1, 0.9]])
    out: dict[str, float] = {}
    for i, p in enumerate(probs):
        for j in range(8):
            w = p
            for q in range(3):
                w *= conf[(i >> q) & 1, (j >> q) & 1]
            key = format(j, "03b")
            out[key] = out.get(key, 0.0) + w
    return out


def test_bad_channels_raise_clear_errors() -> None:
    with pytest.raises(ferroq.InvalidArgumentError, match="not a probability"):
        ferroq.Channel.bit_flip(1.5)
    with pytest.raises(ferroq.InvalidArgumentError, match="not trace preserving"):
        ferroq.Channel.kraus([np.eye(2) * 0.5])
    with pytest.raises(ferroq.InvalidArgumentError, match="exceeds 2"):
        ferroq.Channel.thermal_relaxation(10.0, 30.0, 1.0)
    with pytest.raises(ferroq.InvalidArgumentError):
        ferroq.Circuit(1).readout_error([[0.9, 0.2], [0.1, 0.9]], 0)
    with pytest.raises(ferroq.QubitIndexError):
        ferroq.Circuit(1).depolarizing(0.1, 3)
    with pytest.raises(ValueError):
        ferroq.NoiseModel().add_quantum_error(ferroq.Channel.bit_flip(0.1), "cx", [0, 1])
    ch = ferroq.Channel.amplitude_damping(0.3)
    assert not ch.is_mixed_unitary and ch.num_qubits == 1
    total = sum(k.conj().T @ k for k in ch.kraus_operators())
    assert np.allclose(total, np.eye(2))
    assert ferroq.Channel.depolarizing(0.1, 2).is_mixed_unitary


def test_circuit_channel_methods_match_density_matrix() -> None:
    c = (
        ferroq.Circuit(2)
        .h(0)
        .bit_flip(0.1, 0)
        .phase_flip(0.1, 1)
        .pauli_channel(0.05, 0.05, 0.05, 0)
        .cx(0, 1)
        .depolarizing(0.1, 0, 1)
        .amplitude_damping(0.2, 1)
        .generalized_amplitude_damping(0.1, 0.2, 0)
        .phase_damping(0.3, 0)
        .thermal_relaxation(50.0, 40.0, 5.0, 1)
        .reset_error(0.05, 0.02, 0)
        .kraus([np.eye(2) * np.sqrt(0.9), np.array([[0, 1], [1, 0]]) * np.sqrt(0.1)], 1)
        .channel(ferroq.Channel.depolarizing(0.2), 1)
    )
    sim = ferroq.Simulator("cpu", seed=11)
    rho = sim.density_matrix(c)
    assert rho.shape == (4, 4)
    assert np.isclose(np.trace(rho).real, 1.0)
    zz = np.diag([1.0, -1.0, -1.0, 1.0])
    exact = float(np.real(np.trace(rho @ zz)))
    mean, err = sim.expectation_estimate(c, "ZZ", trajectories=4000)
    assert 0 < err < 0.05
    assert abs(mean - exact) <= 5 * err


def test_noisy_sample_follows_exact_distribution() -> None:
    sim = ferroq.Simulator("cpu", seed=5, noise_model=_model())
    want = _exact_counts_distribution(sim)
    shots = 20_000
    counts = sim.sample(_circuit(), shots=shots)
    chi = sum((counts.get(k, 0) - p * shots) ** 2 / (p * shots) for k, p in want.items())
    # 7 degrees of freedom: P(chi-square > 30) < 1e-4.
    assert chi < 30, (counts, want)


def test_same_seed_same_counts_for_any_thread_count() -> None:
    a = ferroq.Simulator("cpu", threads=1, seed=3, noise_model=_model())
    b = ferroq.Simulator("cpu", threads=2, seed=3, noise_model=_model())
    assert a.sample(_circuit(), shots=2000) == b.sample(_circuit(), shots=2000)
    assert a.expectation_estimate(_circuit(False), "ZZI", trajectories=200) == (
        b.expectation_estimate(_circuit(False), "ZZI", trajectories=200)
    )


def test_noisy_sample_releases_the_gil() -> None:
    sim = ferroq.Simulator("cpu", seed=1, noise_model=_model())
    c = ferroq.Circuit(12)
    for _ in range(6):
        for q in range(12):
            c.h(q)
        for q in range(11):
            c.cx(q, q + 1)
    c.measure_all()
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    t = threading.Thread(target=count)
    t.start()
    sim.sample(c, shots=2000)
    done.set()
    t.join()
    assert ticks > 1000


def test_from_qiskit_noise_model_matches_aer_density_matrix() -> None:
    qiskit = pytest.importorskip("qiskit")
    aer = pytest.importorskip("qiskit_aer")
    from qiskit_aer import noise as aer_noise

    nm = aer_noise.NoiseModel()
    nm.add_all_qubit_quantum_error(aer_noise.depolarizing_error(0.05, 1), ["h", "ry"])
    nm.add_all_qubit_quantum_error(aer_noise.depolarizing_error(0.08, 2), ["cx"])
    nm.add_quantum_error(aer_noise.thermal_relaxation_error(50.0, 30.0, 10.0), ["ry"], [1])
    composed = aer_noise.amplitude_damping_error(0.1).compose(aer_noise.phase_damping_error(0.2))
    nm.add_quantum_error(composed, ["h"], [0])
    nm.add_readout_error(aer_noise.ReadoutError([[0.95, 0.05], [0.1, 0.9]]), [1])

    qc = qiskit.QuantumCircuit(2)
    qc.h(0)
    qc.ry(0.4, 1)
    qc.cx(0, 1)
    qc.h(1)
    qc.save_density_matrix()
    backend = aer.AerSimulator(method="density_matrix", noise_model=nm)
    result = backend.run(qiskit.transpile(qc, backend, optimization_level=0)).result()
    aer_rho = np.asarray(result.data()["density_matrix"])

    fq = ferroq.Circuit(2).h(0).ry(0.4, 1).cx(0, 1).h(1)
    sim = ferroq.Simulator("cpu", seed=2, noise_model=from_qiskit_noise_model(nm))
    assert np.allclose(sim.density_matrix(fq), aer_rho, atol=1e-10)

    # Readout errors: Aer's shot counts and ferroq's agree within statistics.
    qm = qiskit.QuantumCircuit(2, 2)
    qm.h(0)
    qm.ry(0.4, 1)
    qm.cx(0, 1)
    qm.measure([0, 1], [0, 1])
    shots = 20_000
    aer_counts = (
        aer.AerSimulator(method="density_matrix", noise_model=nm)
        .run(qiskit.transpile(qm, backend, optimization_level=0), shots=shots, seed_simulator=7)
        .result()
        .get_counts()
    )
    ours = sim.sample(ferroq.Circuit(2).h(0).ry(0.4, 1).cx(0, 1).measure_all(), shots=shots)
    for key in set(aer_counts) | set(ours):
        a, b = aer_counts.get(key, 0), ours.get(key, 0)
        # Two independent binomial counts: 5 standard deviations of their difference.
        p = (a + b) / (2 * shots)
        assert abs(a - b) <= 5 * np.sqrt(2 * shots * p * (1 - p)) + 5, (aer_counts, ours)
