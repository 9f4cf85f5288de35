//! `ferroq_core::density` (the exact density-matrix method) against the independent
//! density-matrix reference: every channel kind, on random gate layers, entry by entry;
//! terminal measurements with readout errors against the reference's diagonal folded
//! by hand; and the method's refusals (too many qubits, mid-circuit measurement).

use ferroq_conformance::random::{random_circuit, RandomCircuitOptions};
use ferroq_conformance::reference::density::{self as dm, NoisyCircuit};
use ferroq_conformance::suite::{every_noise, probe_circuit};
use ferroq_core::{Circuit, DensityMatrix, Error, Observable, ParamBinding, ReadoutError, Rng};

fn assert_same(
    core: &DensityMatrix,
    reference: &ferroq_conformance::reference::dense::DenseMatrix,
    what: &str,
) {
    let dim = reference.dim();
    for r in 0..dim {
        for c in 0..dim {
            let d = (core.get(r, c) - reference.get(r, c)).norm();
            assert!(d < 1e-10, "{what}: ρ[{r}][{c}] differs by {d}");
        }
    }
}

#[test]
fn every_channel_matches_the_reference() {
    for (noise, qubits) in every_noise() {
        let nc = probe_circuit(noise.clone(), &qubits);
        let core = DensityMatrix::simulate(&nc.circuit, &ParamBinding::new()).unwrap();
        let reference = dm::density_matrix(&nc, &ParamBinding::new());
        assert_same(&core, &reference, &format!("{noise:?}"));
        let obs: Observable = "0.5*XY - ZZ + 0.25*YI".parse().unwrap();
        let e = core.expectations(std::slice::from_ref(&obs)).unwrap()[0];
        assert!(
            (e - dm::expectation(&reference, &obs)).abs() < 1e-10,
            "{noise:?}"
        );
        assert!(core.purity() <= 1.0 + 1e-12);
    }
}

#[test]
fn random_noisy_circuits_match_the_reference() {
    let mut rng = Rng::new(15);
    let kinds = every_noise();
    for trial in 0..12 {
        let n = 3;
        let gates = random_circuit(
            n,
            &RandomCircuitOptions {
                num_gates: 15,
                ..Default::default()
            },
            &mut rng,
        );
        let mut nc = NoisyCircuit::new(n);
        for (i, ins) in gates.instructions().iter().enumerate() {
            nc.circuit.push(ins.clone());
            if i % 3 == 2 {
                let (noise, _) = &kinds[(rng.next_u64() % kinds.len() as u64) as usize];
                let a = (rng.next_u64() % n as u64) as u32;
                let qs = if noise.num_qubits() == 2 {
                    vec![a, (a + 1) % n]
                } else {
                    vec![a]
                };
                nc.add(noise.clone(), &qs);
            }
        }
        let core = DensityMatrix::simulate(&nc.circuit, &ParamBinding::new()).unwrap();
        assert_same(
            &core,
            &dm::density_matrix(&nc, &ParamBinding::new()),
            &format!("trial {trial}"),
        );
    }
}

#[test]
fn terminal_measurements_with_readout_errors() {
    let (noise, qubits) = every_noise().remove(5);
    let nc = probe_circuit(noise, &qubits);
    let probs = dm::probabilities(&dm::density_matrix(&nc, &ParamBinding::new()));
    let mut c = nc.circuit.clone();
    let e0 = ReadoutError::flips(0.05, 0.2).unwrap();
    c.measure(0, 1).measure(1, 0).readout_error(e0, 1).unwrap();
    let got = DensityMatrix::simulate(&c, &ParamBinding::new())
        .unwrap()
        .clbit_probabilities()
        .unwrap();
    // clbit 1 holds qubit 0 (misread), clbit 0 holds qubit 1.
    let mut want = [0.0; 4];
    for (i, p) in probs.iter().enumerate() {
        let (q0, q1) = (i & 1, (i >> 1) & 1);
        let flip = if q0 == 0 { 0.05 } else { 0.2 };
        want[q1 | (q0 << 1)] += p * (1.0 - flip);
        want[q1 | ((1 - q0) << 1)] += p * flip;
    }
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-12, "{got:?} vs {want:?}");
    }
}

#[test]
fn refusals_are_errors() {
    assert!(matches!(
        DensityMatrix::new(15),
        Err(Error::Unsupported { .. })
    ));
    let mut c = Circuit::new(1);
    c.measure(0, 0).x(0);
    let e = DensityMatrix::simulate(&c, &ParamBinding::new()).unwrap_err();
    assert!(e.to_string().contains("mid-circuit"), "{e}");
}
