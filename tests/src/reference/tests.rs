//! Unit tests of the reference simulator against hand-computed cases and against its
//! own Kronecker-product constructions.

use super::dense::*;
use super::*;
use crate::circuits;
use crate::random::{
    random_circuit, random_observable, random_state_circuit, RandomCircuitOptions,
};
use ferroq_core::{Rng, UNITARY_TOLERANCE};
use std::f64::consts::FRAC_1_SQRT_2;

fn close(a: &[Complex64], b: &[Complex64], tol: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).norm() <= tol)
}

fn basis(n: u32, i: usize) -> Vec<Complex64> {
    let mut v = vec![c(0.0, 0.0); 1 << n];
    v[i] = c(1.0, 0.0);
    v
}

#[test]
fn bell_state_by_hand() {
    let mut circ = Circuit::new(2);
    circ.h(0).cx(0, 1);
    let s = final_state(&circ, &ParamBinding::new());
    let h = FRAC_1_SQRT_2;
    assert!(close(
        &s.amps,
        &[c(h, 0.0), c(0.0, 0.0), c(0.0, 0.0), c(h, 0.0)],
        1e-15
    ));
    // <XX> = <ZZ> = 1, <YY> = -1, <ZI> = 0
    for (text, want) in [
        ("XX", 1.0),
        ("ZZ", 1.0),
        ("YY", -1.0),
        ("ZI", 0.0),
        ("IZ", 0.0),
    ] {
        let o: Observable = text.parse().unwrap();
        assert!((s.expectation(&o) - want).abs() < 1e-14, "{text}");
    }
}

#[test]
fn little_endian_by_hand() {
    // x on qubit 0 of 3 -> index 1; x on qubit 2 -> index 4
    let mut circ = Circuit::new(3);
    circ.x(0);
    assert!(close(
        &final_state(&circ, &ParamBinding::new()).amps,
        &basis(3, 1),
        0.0
    ));
    let mut circ = Circuit::new(3);
    circ.x(2);
    let s = final_state(&circ, &ParamBinding::new());
    assert!(close(&s.amps, &basis(3, 4), 0.0));
    // "IIZ" acts on qubit 0 (which is |0>), "ZII" on qubit 2 (which is |1>)
    assert_eq!(s.expectation(&"IIZ".parse().unwrap()), 1.0);
    assert_eq!(s.expectation(&"ZII".parse().unwrap()), -1.0);
    assert_eq!(s.marginal(&[2]), vec![0.0, 1.0]);
    assert_eq!(s.marginal(&[0, 2]), vec![0.0, 0.0, 1.0, 0.0]);
    // cx(control 0, target 1) on |01> (index 1) gives |11> (index 3)
    let mut circ = Circuit::new(2);
    circ.x(0).cx(0, 1);
    assert!(close(
        &final_state(&circ, &ParamBinding::new()).amps,
        &basis(2, 3),
        0.0
    ));
}

#[test]
fn y_eigenstate_sign() {
    // S H |0> = |+i>, the +1 eigenstate of Y
    let mut circ = Circuit::new(1);
    circ.h(0).s(0);
    let s = final_state(&circ, &ParamBinding::new());
    assert!((s.expectation(&"Y".parse().unwrap()) - 1.0).abs() < 1e-15);
}

#[test]
fn full_operator_agrees_with_kronecker_products() {
    let mut rng = Rng::new(5);
    let u = random_unitary_dense(&mut rng, 1);
    // 1-qubit gate on qubit 1 of 3: I ⊗ U ⊗ I
    let want = kron_all(&[eye2(), u.clone(), eye2()]);
    assert!(full_operator(3, &u, &[1], &[]).max_diff(&want) < 1e-15);
    // controlled U with control qubit 0, target qubit 2 of 3:
    // |0><0|_0 ⊗ I + |1><1|_0 ⊗ U_2
    let p0 = DenseMatrix::diagonal(&[c(1.0, 0.0), c(0.0, 0.0)]);
    let p1 = DenseMatrix::diagonal(&[c(0.0, 0.0), c(1.0, 0.0)]);
    let want = kron_all(&[eye2(), eye2(), p0]).add(&kron_all(&[u.clone(), eye2(), p1]));
    assert!(full_operator(3, &u, &[2], &[0]).max_diff(&want) < 1e-15);
    // 2-qubit gate on targets [2, 0] equals SWAP-conjugated gate on [0, 2]
    let v = random_unitary_dense(&mut rng, 2);
    let on_20 = full_operator(3, &v, &[2, 0], &[]);
    let sw = full_operator(3, &swap(), &[0, 2], &[]);
    let on_02 = full_operator(3, &v, &[0, 2], &[]);
    assert!(on_20.max_diff(&sw.mul(&on_02).mul(&sw)) < 1e-14);
    // adjacent 2-qubit gate on targets [0, 1] of 2 qubits is the matrix itself
    assert!(full_operator(2, &v, &[0, 1], &[]).max_diff(&v) < 1e-15);
    // and on [1, 0] it is SWAP·V·SWAP
    assert!(full_operator(2, &v, &[1, 0], &[]).max_diff(&swap().mul(&v).mul(&swap())) < 1e-14);
    // controlled() (controls on the low bits) is the full operator with controls
    let cu = controlled(&v, 1);
    assert!(full_operator(3, &v, &[1, 2], &[0]).max_diff(&cu) < 1e-15);
}

fn random_unitary_dense(rng: &mut Rng, k: u32) -> DenseMatrix {
    let m = crate::random::random_unitary(rng, k);
    assert!(m.unitarity_deviation() < UNITARY_TOLERANCE);
    DenseMatrix::from_data(m.dim(), m.data().to_vec())
}

#[test]
fn index_apply_agrees_with_full_operator() {
    let mut rng = Rng::new(9);
    let n = 5;
    let start = final_state(&random_state_circuit(n, &mut rng), &ParamBinding::new()).amps;
    for (targets, controls) in [
        (vec![3u32], vec![]),
        (vec![4, 1], vec![]),
        (vec![0, 4, 2], vec![]),
        (vec![2], vec![0, 4]),
        (vec![1, 3], vec![4]),
    ] {
        let m = random_unitary_dense(&mut rng, targets.len() as u32);
        let want = full_operator(n, &m, &targets, &controls).apply(&start);
        let mut got = start.clone();
        apply_gate(&mut got, &m, &targets, &controls);
        assert!(close(&got, &want, 1e-14), "{targets:?} {controls:?}");
    }
}

#[test]
fn large_states_use_the_index_path_consistently() {
    // the same circuit on 7 qubits (index path) and its 6-qubit restriction (full path)
    let mut rng = Rng::new(11);
    let opts = RandomCircuitOptions {
        num_gates: 60,
        ..Default::default()
    };
    let circ6 = random_circuit(6, &opts, &mut rng);
    let mut circ7 = Circuit::new(7);
    circ7.compose(&circ6, None).unwrap();
    circ7.h(6);
    let s6 = final_state(&circ6, &ParamBinding::new());
    let s7 = final_state(&circ7, &ParamBinding::new());
    let h = FRAC_1_SQRT_2;
    let want: Vec<Complex64> = s6.amps.iter().chain(&s6.amps).map(|a| a * h).collect();
    assert!(close(&s7.amps, &want, 1e-13));
}

#[test]
fn expectation_paths_agree() {
    let mut rng = Rng::new(2);
    for n in [3, 8] {
        let s = final_state(&random_state_circuit(n, &mut rng), &ParamBinding::new());
        let o = random_observable(&mut rng, n, 6);
        let by_kron = s.expectation(&o);
        let by_factors: f64 = o
            .terms()
            .iter()
            .map(|t| t.coeff * inner(&s.amps, &s.apply_pauli_factors(&t.ops)).re)
            .sum();
        assert!(
            (by_kron - by_factors).abs() < 1e-12,
            "{n}: {by_kron} {by_factors}"
        );
    }
}

#[test]
fn ghz_and_qft_match_analytic_states() {
    for n in 1..=6 {
        let s = final_state(&circuits::ghz(n), &ParamBinding::new());
        assert!(close(&s.amps, &circuits::ghz_state(n), 1e-15), "ghz {n}");
    }
    for (n, j) in [(1, 1), (2, 1), (3, 5), (4, 6), (7, 77)] {
        let s = final_state(&circuits::qft_of_basis(n, j), &ParamBinding::new());
        assert!(
            close(&s.amps, &circuits::qft_state(n, j), 1e-13),
            "qft {n} {j}"
        );
    }
}

#[test]
fn measurement_branches_of_a_bell_pair() {
    let mut circ = Circuit::new(2);
    circ.h(0).cx(0, 1).measure(0, 0);
    let br = simulate(&circ, &ParamBinding::new());
    assert_eq!(br.len(), 2);
    for b in &br {
        assert!((b.probability - 0.5).abs() < 1e-15);
        let want = if b.state.clbits[0] { 3 } else { 0 };
        assert!(close(&b.state.amps, &basis(2, want), 1e-15));
    }
    // reset after the Bell pair: |00> or |10>
    let mut circ = Circuit::new(2);
    circ.h(0).cx(0, 1).reset(0);
    let br = simulate(&circ, &ParamBinding::new());
    let mut finals: Vec<usize> = br
        .iter()
        .map(|b| b.state.amps.iter().position(|a| a.norm() > 0.5).unwrap())
        .collect();
    finals.sort();
    assert_eq!(finals, vec![0, 2]);
}

#[test]
fn teleportation_delivers_the_state() {
    let (t, p, l) = (1.1, 0.4, -2.0);
    let br = simulate(&circuits::teleportation(t, p, l), &ParamBinding::new());
    assert_eq!(br.len(), 4);
    let psi = u3(t, p, l).column(0);
    for b in &br {
        assert!((b.probability - 0.25).abs() < 1e-12);
        let m = pack_bits(&b.state.clbits) as usize;
        let mut want = vec![c(0.0, 0.0); 8];
        want[m] = psi[0];
        want[m | 4] = psi[1];
        assert!(close(&b.state.amps, &want, 1e-14), "outcome {m}");
    }
}

#[test]
fn conditions_read_little_endian_registers() {
    let mut circ = Circuit::with_clbits(3, 2);
    circ.x(1).measure(1, 1); // c = 0b10 = 2
    circ.x(2).c_if(&[0, 1], 2); // runs
    circ.x(0).c_if(&[0, 1], 1); // does not
    let s = final_state(&circ, &ParamBinding::new());
    assert!(close(&s.amps, &basis(3, 0b110), 0.0));
}

#[test]
fn symbolic_parameters_are_bound() {
    let mut circ = Circuit::new(1);
    circ.rx("2*theta + 0.5", 0);
    let b = ParamBinding::from_pairs([("theta", 0.3)]);
    let s = final_state(&circ, &b);
    let want = pauli_rotation(&pauli_x(), 1.1).column(0);
    assert!(close(&s.amps, &want, 1e-15));
}

#[test]
fn random_circuits_preserve_the_norm() {
    let mut rng = Rng::new(4);
    for n in [1, 4, 9] {
        let opts = RandomCircuitOptions {
            symbolic: true,
            ..Default::default()
        };
        let circ = random_circuit(n, &opts, &mut rng);
        let b = crate::random::random_binding(&mut rng, &circ);
        let s = final_state(&circ, &b);
        assert!((s.norm_sqr() - 1.0).abs() < 1e-12, "{n}");
    }
}
