//! Noise: trajectories of every channel kind against the density-matrix reference
//! (means within 5 standard errors plus the backend's tolerance; shot counts by a
//! chi-square bound), with fixed seeds so every run is the same, and trajectories that
//! give the very same shots as the reference backend for the same seed (so thread
//! counts and backends do not change results). Layered circuits with noise after every
//! gate check the shared-prefix walk over trajectory groups: its shots follow the
//! reference distribution, and are the very shots of simulating every group alone.

use super::{chi_square, chi_square_bound, compile_ok, tolerance};
use crate::reference::dense::{c, DenseMatrix};
use crate::reference::density::{self as dm, NoisyCircuit, RefNoise};
use crate::ReferenceBackend;
use ferroq_core::noisy::{
    expectation_trajectories, run_trajectory, sample_trajectories, sample_trajectories_with,
};
use ferroq_core::{
    Backend, DeviceKind, Interrupt, Observable, ParamBinding, Precision, ReadoutError,
};

/// Every channel kind, with parameters large enough to see.
pub fn every_noise() -> Vec<(RefNoise, Vec<u32>)> {
    let s = (0.3f64).sqrt();
    let kraus = vec![
        DenseMatrix::from_rows([
            [c(1.0, 0.0), c(0.0, 0.0)],
            [c(0.0, 0.0), c(0.0, (0.7f64).sqrt())],
        ]),
        DenseMatrix::from_rows([[c(0.0, 0.0), c(s, 0.0)], [c(0.0, 0.0), c(0.0, 0.0)]]),
    ];
    vec![
        (RefNoise::BitFlip(0.2), vec![0]),
        (RefNoise::PhaseFlip(0.3), vec![0]),
        (RefNoise::Pauli(0.1, 0.15, 0.2), vec![0]),
        (RefNoise::Depolarizing(0.4, 1), vec![0]),
        (RefNoise::Depolarizing(0.5, 2), vec![0, 1]),
        (RefNoise::AmplitudeDamping(0.6), vec![0]),
        (RefNoise::GeneralizedAmplitudeDamping(0.5, 0.3), vec![0]),
        (RefNoise::PhaseDamping(0.7), vec![0]),
        (RefNoise::ThermalRelaxation(50.0, 30.0, 20.0, 0.1), vec![0]),
        (RefNoise::ResetError(0.3, 0.2), vec![0]),
        (RefNoise::Kraus(kraus), vec![0]),
    ]
}

/// A 2-qubit circuit with `noise` between two layers of rotations, so the channel acts
/// on a state with coherences and its effect on them shows in Z.
pub fn probe_circuit(noise: RefNoise, qubits: &[u32]) -> NoisyCircuit {
    let mut nc = NoisyCircuit::new(2);
    nc.circuit.ry(1.1, 0).rx(0.4, 1).cx(0, 1).rz(0.3, 0);
    nc.add(noise, qubits);
    nc.circuit.ry(0.5, 0).rx(0.8, 1);
    nc
}

fn observables() -> Vec<Observable> {
    ["IX", "IY", "IZ", "ZI", "XX", "ZZ", "YX"]
        .iter()
        .map(|s| s.parse().expect("observable"))
        .collect()
}

/// Each estimate is within 5 standard errors (plus tolerance) of the density matrix
/// `rho`'s exact expectation value of its observable.
fn estimates_match(
    rho: &DenseMatrix,
    obs: &[Observable],
    est: &[ferroq_core::noisy::Estimate],
    tol: f64,
    what: &str,
) {
    for (o, e) in obs.iter().zip(est) {
        let want = dm::expectation(rho, o);
        let bound = 5.0 * e.std_error + 10.0 * tol + 1e-9;
        assert!(
            (e.mean - want).abs() <= bound,
            "{what}: <{o}> = {} ± {}, reference {want}",
            e.mean,
            e.std_error
        );
    }
}

fn trajectories<B: Backend>(b: &B, cpu: usize) -> usize {
    if b.capabilities().device == DeviceKind::Cpu {
        cpu
    } else {
        cpu / 4
    }
}

/// Expectation values over trajectories of every channel kind agree with the exact
/// density-matrix reference within 5 standard errors (plus tolerance).
pub fn noisy_expectations_match_density_reference<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let obs = observables();
    let n = trajectories(b, 4000);
    for (k, (noise, qubits)) in every_noise().into_iter().enumerate() {
        let nc = probe_circuit(noise.clone(), &qubits);
        let rho = dm::density_matrix(&nc, &ParamBinding::new());
        let plan = compile_ok(&nc.circuit, &b.compile_options());
        let est =
            expectation_trajectories(b, &plan, &[], &obs, n, 1000 + k as u64, &Interrupt::none())
                .unwrap_or_else(|e| panic!("{noise:?}: {e}"));
        estimates_match(
            &rho,
            &obs,
            &est,
            tol,
            &format!("{noise:?}, {n} trajectories"),
        );
    }
}

/// Shots of noisy circuits follow the reference's distribution (chi-square bound), for
/// mixtures (grouped trajectories) and general Kraus channels (one trajectory a shot).
pub fn noisy_shots_match_density_reference<B: Backend>(b: &B) {
    let shots = trajectories(b, 8000);
    for (k, (noise, qubits)) in every_noise().into_iter().enumerate() {
        let nc = probe_circuit(noise.clone(), &qubits);
        let probs = dm::probabilities(&dm::density_matrix(&nc, &ParamBinding::new()));
        let plan = compile_ok(&nc.circuit, &b.compile_options());
        let draws = sample_trajectories(b, &plan, &[], shots, 77 + k as u64, &Interrupt::none())
            .unwrap_or_else(|e| panic!("{noise:?}: {e}"));
        let mut counts = vec![0u64; probs.len()];
        for d in draws {
            counts[d as usize] += 1;
        }
        let (stat, df) = chi_square(&counts, &probs, shots as u64);
        assert!(
            stat <= chi_square_bound(df),
            "{noise:?}: chi-square {stat} over {df} degrees of freedom; counts {counts:?}, \
             reference {probs:?}"
        );
    }
}

/// Measurement followed by a readout error, one trajectory per shot through the
/// execution loop: the classical bit reads 1 with `P(1) (1 - p10) + P(0) p01`.
pub fn readout_errors_in_trajectories<B: Backend>(b: &B) {
    let shots = trajectories(b, 8000);
    let mut nc = NoisyCircuit::new(1);
    nc.circuit.ry(1.0, 0);
    nc.add(RefNoise::AmplitudeDamping(0.3), &[0]);
    let p1 = dm::probabilities(&dm::density_matrix(&nc, &ParamBinding::new()))[1];
    let (p01, p10) = (0.1, 0.25);
    let mut c = nc.circuit.clone();
    c.measure(0, 0)
        .readout_error(ReadoutError::flips(p01, p10).expect("readout"), 0)
        .expect("readout error");
    let plan = compile_ok(&c, &b.compile_options());
    let bits = b
        .for_each_item(1, shots, &Interrupt::none(), &|i, state| {
            let cl = run_trajectory(state, &plan, &[], 5, i, &Interrupt::none())?;
            Ok(cl.clbits()[0])
        })
        .expect("trajectories");
    let ones = bits.iter().filter(|&&x| x).count() as f64;
    let want = p1 * (1.0 - p10) + (1.0 - p1) * p01;
    let sigma = (want * (1.0 - want) / shots as f64).sqrt();
    assert!(
        (ones / shots as f64 - want).abs() <= 5.0 * sigma,
        "read 1 in {ones} of {shots} shots, expected probability {want}"
    );
}

/// The same seed gives the same shots twice, and (in double precision) the very
/// shots of the reference backend, whatever the schedule or thread count.
pub fn noisy_trajectories_are_reproducible<B: Backend>(b: &B) {
    let mut nc = NoisyCircuit::new(3);
    nc.circuit.h(0).cx(0, 1).ry(0.9, 2);
    nc.add(RefNoise::Depolarizing(0.3, 2), &[0, 1]);
    nc.add(RefNoise::AmplitudeDamping(0.4), &[2]);
    nc.circuit.cx(1, 2).h(2);
    nc.add(RefNoise::BitFlip(0.1), &[1]);
    let plan = compile_ok(&nc.circuit, &b.compile_options());
    let run =
        |seed| sample_trajectories(b, &plan, &[], 300, seed, &Interrupt::none()).expect("shots");
    let first = run(9);
    assert_eq!(first, run(9), "the same seed gave different shots");
    assert_ne!(first, run(10), "different seeds gave the same 300 shots");
    if b.precision() == Precision::Double {
        let r = ReferenceBackend::new();
        let rplan = compile_ok(&nc.circuit, &r.compile_options());
        let want = sample_trajectories(&r, &rplan, &[], 300, 9, &Interrupt::none()).expect("shots");
        let same = first.iter().zip(&want).filter(|(a, b)| a == b).count();
        assert!(
            same >= 299,
            "only {same} of 300 shots equal the reference backend's for the same seed"
        );
    }
}

/// A layered circuit with noise after every gate (the noise benchmark's shape, small):
/// `ry`, `rz` on every qubit with 1-qubit depolarizing `p1`, a `cx` brickwork with
/// 2-qubit depolarizing `p2`, and a phase flip and Pauli channel on qubit 0 each layer.
pub fn layered_noisy_circuit(n: u32, layers: u32, p1: f64, p2: f64) -> NoisyCircuit {
    let mut nc = NoisyCircuit::new(n);
    for layer in 0..layers {
        for q in 0..n {
            let a = 0.37 + 0.61 * f64::from(layer * n + q);
            nc.circuit.ry(a, q);
            nc.add(RefNoise::Depolarizing(p1, 1), &[q]);
            nc.circuit.rz(1.3 * a, q);
            nc.add(RefNoise::Depolarizing(p1, 1), &[q]);
        }
        for q in (layer % 2..n.saturating_sub(1)).step_by(2) {
            nc.circuit.cx(q, q + 1);
            nc.add(RefNoise::Depolarizing(p2, 2), &[q, q + 1]);
        }
        nc.add(RefNoise::PhaseFlip(p1), &[0]);
        nc.add(RefNoise::Pauli(p1, p1 / 2.0, p1 / 3.0), &[0]);
    }
    nc
}

/// Shots and expectation values of a layered circuit with noise after every gate (most
/// trajectories share long prefixes, some deviate several times) follow the density
/// reference (chi-square bound on the shot counts, 5 standard errors on the means),
/// with the walk's default state bound and with a bound of 2 (which falls back to
/// simulating groups from |0…0>).
pub fn shared_prefix_trajectories_match_density_reference<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let nc = layered_noisy_circuit(4, 4, 0.04, 0.1);
    let rho = dm::density_matrix(&nc, &ParamBinding::new());
    let probs = dm::probabilities(&rho);
    let plan = compile_ok(&nc.circuit, &b.compile_options());
    let shots = trajectories(b, 8000);
    for (k, max_states) in [8usize, 2].into_iter().enumerate() {
        let draws = sample_trajectories_with(
            b,
            &plan,
            &[],
            shots,
            400 + k as u64,
            max_states,
            &Interrupt::none(),
        )
        .expect("shots");
        let mut counts = vec![0u64; probs.len()];
        for d in draws {
            counts[d as usize] += 1;
        }
        let (stat, df) = chi_square(&counts, &probs, shots as u64);
        assert!(
            stat <= chi_square_bound(df),
            "at most {max_states} states: chi-square {stat} over {df} degrees of freedom; \
             counts {counts:?}, reference {probs:?}"
        );
    }
    let obs = observables_on(4);
    let est = expectation_trajectories(b, &plan, &[], &obs, shots, 31, &Interrupt::none())
        .expect("estimates");
    estimates_match(&rho, &obs, &est, tol, &format!("{shots} trajectories"));
}

fn observables_on(n: usize) -> Vec<Observable> {
    let mut v = Vec::new();
    for q in 0..n {
        for p in ['X', 'Z'] {
            let mut s = vec!['I'; n];
            s[n - 1 - q] = p;
            v.push(s.into_iter().collect::<String>());
        }
    }
    v.push("Z".repeat(n));
    v.iter().map(|s| s.parse().expect("observable")).collect()
}

/// Sharing prefixes changes no shot: with state bounds 1 (every group simulated from
/// |0…0> on its own), 2 and the default, the same seed gives the same shots, and (in
/// double precision) the reference backend's.
pub fn shared_prefixes_give_the_same_shots<B: Backend>(b: &B) {
    let nc = layered_noisy_circuit(5, 3, 0.05, 0.1);
    let plan = compile_ok(&nc.circuit, &b.compile_options());
    let run = |max_states| {
        sample_trajectories_with(b, &plan, &[], 2000, 17, max_states, &Interrupt::none())
            .expect("shots")
    };
    let alone = run(1);
    for max_states in [2, 3, 8] {
        let shared = run(max_states);
        let same = alone.iter().zip(&shared).filter(|(a, b)| a == b).count();
        assert!(
            same >= alone.len() - 1,
            "at most {max_states} states: only {same} of {} shots equal those of groups \
             simulated alone",
            alone.len()
        );
    }
    if b.precision() == Precision::Double {
        let r = ReferenceBackend::new();
        let rplan = compile_ok(&nc.circuit, &r.compile_options());
        let want =
            sample_trajectories(&r, &rplan, &[], 2000, 17, &Interrupt::none()).expect("shots");
        let same = alone.iter().zip(&want).filter(|(a, b)| a == b).count();
        assert!(
            same >= alone.len() - 2,
            "only {same} of {} shots equal the reference backend's for the same seed",
            alone.len()
        );
    }
}
