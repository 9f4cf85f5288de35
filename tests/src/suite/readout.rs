//! Readouts: probabilities, marginals, expectation values, sampling.

use super::{
    assert_reals_close, chi_square, chi_square_bound, compile_ok, execute, read_ok, tolerance,
};
use crate::circuits::ghz;
use crate::random::{
    distinct_qubits, random_circuit, random_observable, random_state_circuit, RandomCircuitOptions,
};
use crate::reference::{final_state, RefState};
use ferroq_core::{
    Backend, Circuit, CompileOptions, Observable, ParamBinding, Pauli, Readout, Rng,
    StatePrimitives,
};

/// A random entangled state on `n` qubits: the fixed preparation circuit plus random gates.
fn random_state(n: u32, rng: &mut Rng) -> Circuit {
    let mut c = random_state_circuit(n, rng);
    let opts = RandomCircuitOptions {
        num_gates: 30,
        ..Default::default()
    };
    c.compose(&random_circuit(n, &opts, rng), None).unwrap();
    c
}

fn prepared<B: Backend>(b: &B, c: &Circuit) -> (ferroq_core::Machine<B::State>, RefState) {
    let none = ParamBinding::new();
    let state = execute(b, &compile_ok(c, &CompileOptions::default()), &none, 0);
    (state, final_state(c, &none))
}

/// The state vector a consumed state hands over (`into_state_vector`, no copy on the
/// CPU) is the one the reference gives and equals the copy `state_vector` reads, bit for
/// bit, on 1..=15 qubits.
pub fn consumed_state_vector_equals_copy<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let mut rng = Rng::new(37);
    for n in [1u32, 4, 9, 15] {
        let c = random_state(n, &mut rng);
        let (machine, want) = prepared(b, &c);
        let copy = machine.state().state_vector().unwrap();
        let consumed = machine.into_state().into_state_vector().unwrap();
        assert_eq!(consumed, copy, "consumed vs copied state vector, n={n}");
        super::assert_amps_close(&consumed.to_c64(), &want.amps, tol, format!("n={n}"));
    }
}

/// Probabilities and marginals (single qubits, reversed orders, random subsets in random
/// order, all qubits permuted) against the reference on 1..=15 qubits.
pub fn probabilities_and_marginals_match_reference<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let mut rng = Rng::new(31);
    for n in [1u32, 2, 3, 5, 8, 12, 15] {
        let c = random_state(n, &mut rng);
        let (state, want) = prepared(b, &c);
        let p = read_ok(b, &state, &Readout::Probabilities)
            .into_probabilities()
            .unwrap();
        assert_reals_close(
            &p,
            &want.probabilities(),
            tol,
            format!("probabilities, n={n}"),
        );
        let mut subsets: Vec<Vec<u32>> = vec![
            vec![0],
            vec![n - 1],
            (0..n).rev().collect(),
            distinct_qubits(&mut rng, n, n as usize),
        ];
        for _ in 0..4 {
            let k = 1 + crate::random::below(&mut rng, n.min(5) as usize);
            subsets.push(distinct_qubits(&mut rng, n, k));
        }
        for qs in subsets {
            let got = read_ok(b, &state, &Readout::Marginal(qs.clone()))
                .into_probabilities()
                .unwrap();
            assert_reals_close(
                &got,
                &want.marginal(&qs),
                tol,
                format!("marginal {qs:?}, n={n}"),
            );
        }
    }
}

/// Expectation values: known values (Bell `<XX> = <ZZ> = 1`, `<YY> = -1`; `|+i>` has
/// `<Y> = 1`; GHZ-3 `<XXX> = 1`; text and programmatic forms), several observables in
/// one request, constant and empty observables, and random observables against the
/// reference on 1..=15 qubits.
pub fn expectations_match_reference<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let obs = |s: &str| -> Observable { s.parse().unwrap() };
    let mut bell = Circuit::new(2);
    bell.h(0).cx(0, 1);
    let (state, _) = prepared(b, &bell);
    let request = Readout::Expectation(vec![
        obs("XX"),
        obs("YY"),
        obs("ZZ"),
        obs("ZI"),
        obs("0.5*XX - 2*YY + 0.25"),
        Observable::new(),
        Observable::new().with_term(-1.5, []).unwrap(),
        Observable::new()
            .with_term(2.0, [(Pauli::Y, 1), (Pauli::Y, 0)])
            .unwrap(),
    ]);
    let got = read_ok(b, &state, &request).into_expectations().unwrap();
    assert_reals_close(
        &got,
        &[1.0, -1.0, 1.0, 0.0, 2.75, 0.0, -1.5, -2.0],
        tol,
        "Bell-state expectation values",
    );
    let mut plus_i = Circuit::new(1);
    plus_i.h(0).s(0);
    let (state, _) = prepared(b, &plus_i);
    let got = read_ok(
        b,
        &state,
        &Readout::Expectation(vec![obs("Y"), obs("X"), obs("Z")]),
    )
    .into_expectations()
    .unwrap();
    assert_reals_close(&got, &[1.0, 0.0, 0.0], tol, "<Y>, <X>, <Z> of S·H|0>");
    let (state, _) = prepared(b, &ghz(3));
    let got = read_ok(
        b,
        &state,
        &Readout::Expectation(vec![obs("XXX"), obs("0.5*ZZI - XIX")]),
    )
    .into_expectations()
    .unwrap();
    assert_reals_close(&got, &[1.0, 0.5], tol, "GHZ-3 <XXX>, <0.5*ZZI - XIX>");

    let mut rng = Rng::new(37);
    for n in [1u32, 2, 4, 7, 10, 12, 15] {
        let c = random_state(n, &mut rng);
        let (state, want) = prepared(b, &c);
        let observables: Vec<Observable> =
            (0..3).map(|_| random_observable(&mut rng, n, 8)).collect();
        let expected: Vec<f64> = observables.iter().map(|o| want.expectation(o)).collect();
        let got = read_ok(b, &state, &Readout::Expectation(observables.clone()))
            .into_expectations()
            .unwrap();
        // a weighted sum of up to 9 unit-bounded terms: scale the tolerance
        assert_reals_close(&got, &expected, 10.0 * tol, format!("expectations, n={n}"));
    }
}

/// Sampling: 20,000 shots of a 5-qubit random state pass a chi-square test against the
/// reference distribution; the same seed gives the same shots, another seed others;
/// a basis state always samples itself; GHZ-16 samples only its two outcomes, balanced.
pub fn sampling_matches_distribution<B: Backend>(b: &B) {
    let mut rng = Rng::new(41);
    let n = 5;
    let c = random_state(n, &mut rng);
    let (state, want) = prepared(b, &c);
    let shots = 20_000;
    let request = Readout::Samples { shots, seed: 2024 };
    let samples = read_ok(b, &state, &request).into_samples().unwrap();
    assert_eq!(samples.len(), shots);
    let mut counts = vec![0u64; 1 << n];
    for &s in &samples {
        assert!(s < 1 << n, "sample {s} out of range");
        counts[s as usize] += 1;
    }
    let (stat, df) = chi_square(&counts, &want.probabilities(), shots as u64);
    assert!(
        stat <= chi_square_bound(df),
        "chi-square {stat:.1} with {df} degrees of freedom: samples do not follow |ψ|²"
    );
    let again = read_ok(b, &state, &request).into_samples().unwrap();
    assert_eq!(samples, again, "same seed, different samples");
    let other = read_ok(b, &state, &Readout::Samples { shots, seed: 2025 })
        .into_samples()
        .unwrap();
    assert_ne!(samples, other, "different seeds, identical samples");
    let none = read_ok(b, &state, &Readout::Samples { shots: 0, seed: 1 })
        .into_samples()
        .unwrap();
    assert!(none.is_empty(), "zero shots gave samples");

    let mut basis = Circuit::new(4);
    basis.x(1).x(3);
    let (state, _) = prepared(b, &basis);
    let s = read_ok(
        b,
        &state,
        &Readout::Samples {
            shots: 100,
            seed: 9,
        },
    )
    .into_samples()
    .unwrap();
    assert!(
        s.iter().all(|&x| x == 0b1010),
        "basis state |1010> sampled {s:?}"
    );

    let (state, _) = prepared(b, &ghz(16));
    let shots = 4000;
    let s = read_ok(b, &state, &Readout::Samples { shots, seed: 11 })
        .into_samples()
        .unwrap();
    let top = (1 << 16) - 1;
    let ones = s.iter().filter(|&&x| x == top).count();
    assert!(
        s.iter().all(|&x| x == 0 || x == top),
        "GHZ-16 sampled a wrong outcome"
    );
    // binomial(4000, 1/2): sd ≈ 31.6, accept ±6 sd
    assert!(
        ones.abs_diff(shots / 2) <= 190,
        "GHZ-16: {ones} of {shots} shots were |1…1>"
    );
}
