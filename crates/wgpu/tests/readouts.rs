//! GPU readouts (probabilities, marginals, expectation values, samples, classical bits)
//! and mid-circuit measurement against the CPU backend, on single-page and paged states.

mod common;

use common::*;
use ferroq_core::{Backend, Circuit, Observable, OutputData, Precision, Readout, StatePrimitives};

const PRECISIONS: [Precision; 2] = [Precision::Single, Precision::Double];

fn both<B: Backend, C: Backend>(
    gpu: &B,
    cpu: &C,
    c: &Circuit,
    r: &Readout,
) -> (OutputData, OutputData) {
    let p = program(c, &fused());
    let mut gs = gpu.alloc(c.num_qubits(), 11).unwrap();
    gpu.run(&mut gs, &p).unwrap();
    let mut cs = cpu.alloc(c.num_qubits(), 11).unwrap();
    cpu.run(&mut cs, &p).unwrap();
    let g = gpu.read(&gs, r).unwrap();
    assert_eq!(g.precision, gpu.precision());
    (g.data, cpu.read(&cs, r).unwrap().data)
}

#[test]
fn probabilities_and_marginals() {
    for precision in PRECISIONS {
        let cpu = cpu(precision);
        for page in [None, Some(4)] {
            let Some(gpu) = gpu(precision, page) else {
                return;
            };
            let c = random_circuit(10, 50, 31);
            let requests = [
                Readout::Probabilities,
                Readout::Marginal(vec![]),
                Readout::Marginal(vec![0]),
                Readout::Marginal(vec![9]),
                Readout::Marginal(vec![9, 0, 5]),
                Readout::Marginal(vec![2, 3]),
                Readout::Marginal(vec![8, 6, 4, 7]),
                Readout::Marginal((0..10).rev().collect()),
                Readout::Marginal((0..10).collect()),
                Readout::Marginal(vec![1, 2, 3, 4, 5, 6, 7, 8, 9]),
            ];
            for r in &requests {
                match both(&gpu, &cpu, &c, r) {
                    (OutputData::Probabilities(g), OutputData::Probabilities(w)) => assert_close_f(
                        &g,
                        &w,
                        tol(precision),
                        &format!("{precision} {page:?} {r:?}"),
                    ),
                    other => panic!("{other:?}"),
                }
            }
        }
    }
}

#[test]
fn expectation_values() {
    let observables: Vec<Observable> = [
        "Z0",
        "X9",
        "Y4",
        "0.5*ZZIIIIIIII - 2*XIXIIIIIIY + 0.25",
        "Y9 Y8 X0",
        "X9 Z5 Y1 - 0.3*Z9 Z8 Z7 Z6 Z5 Z4 Z3 Z2 Z1 Z0",
        "1.5",
        "X4 X5 X6 X7 X8 X9",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    for precision in PRECISIONS {
        let cpu = cpu(precision);
        for page in [None, Some(4), Some(6)] {
            let Some(gpu) = gpu(precision, page) else {
                return;
            };
            let c = random_circuit(10, 60, 41);
            match both(&gpu, &cpu, &c, &Readout::Expectation(observables.clone())) {
                (OutputData::Expectations(g), OutputData::Expectations(w)) => assert_close_f(
                    &g,
                    &w,
                    5.0 * tol(precision),
                    &format!("{precision} {page:?}"),
                ),
                other => panic!("{other:?}"),
            }
        }
    }
}

#[test]
fn samples_follow_the_cpu_draws() {
    for precision in PRECISIONS {
        let cpu = cpu(precision);
        for page in [None, Some(4)] {
            let Some(gpu) = gpu(precision, page) else {
                return;
            };
            for (n, shots) in [(1, 50), (5, 1000), (11, 2000)] {
                let c = random_circuit(n.max(3), 40, 51);
                let r = Readout::Samples { shots, seed: 99 };
                let (g, w) = match both(&gpu, &cpu, &c, &r) {
                    (OutputData::Samples(g), OutputData::Samples(w)) => (g, w),
                    other => panic!("{other:?}"),
                };
                assert_eq!(g.len(), shots);
                let same = g.iter().zip(&w).filter(|(a, b)| a == b).count();
                // Same uniforms and shuffle; only draws within rounding of a bin edge differ.
                let need = if precision == Precision::Double {
                    shots
                } else {
                    shots * 99 / 100
                };
                assert!(
                    same >= need,
                    "{precision} {page:?} n={n}: {same} of {shots} shots agree"
                );
            }
        }
    }
}

#[test]
fn samples_of_sparse_states_hit_only_the_support() {
    let Some(gpu) = gpu(Precision::Single, Some(4)) else {
        return;
    };
    let mut c = Circuit::new(12);
    c.h(0);
    for q in 1..12 {
        c.cx(q - 1, q);
    }
    let p = program(&c, &fused());
    let mut s = gpu.alloc(12, 0).unwrap();
    gpu.run(&mut s, &p).unwrap();
    let shots = gpu
        .read(
            &s,
            &Readout::Samples {
                shots: 4000,
                seed: 3,
            },
        )
        .unwrap()
        .into_samples()
        .unwrap();
    let ones = shots.iter().filter(|&&x| x == 4095).count();
    assert!(shots.iter().all(|&x| x == 0 || x == 4095));
    // Binomial(4000, 1/2): 6 sigma is about 190.
    assert!((ones as i64 - 2000).abs() < 190, "{ones}");
    assert_eq!(
        gpu.read(&s, &Readout::Samples { shots: 0, seed: 3 })
            .unwrap()
            .into_samples()
            .unwrap(),
        Vec::<u64>::new()
    );
}

#[test]
fn mid_circuit_measurement_reset_and_conditionals_match_cpu() {
    for precision in PRECISIONS {
        let cpu = cpu(precision);
        for page in [None, Some(4)] {
            let Some(gpu) = gpu(precision, page) else {
                return;
            };
            let mut c = Circuit::with_clbits(9, 6);
            c.compose(&random_circuit(9, 30, 61), None).unwrap();
            c.measure(8, 0).measure(0, 1);
            c.x(3).c_if(&[0], 1);
            c.h(8).cx(8, 7).c_if(&[0, 1], 2);
            c.reset(8).reset(2);
            c.ry(0.4, 8).measure(8, 2);
            c.h(5).measure(5, 3).measure(6, 4).measure(7, 5);
            c.rz(0.3, 6).c_if(&[3, 4], 1);
            for seed in 0..6u64 {
                let p = program(&c, &fused());
                let mut gs = gpu.alloc(9, seed).unwrap();
                let mut cs = cpu.alloc(9, seed).unwrap();
                let before = gpu.stats().submits;
                gpu.run(&mut gs, &p).unwrap();
                cpu.run(&mut cs, &p).unwrap();
                // One submit per measurement or reset (8), plus the tail.
                assert_eq!(gpu.stats().submits - before, 9);
                let gb = gpu
                    .read(&gs, &Readout::ClassicalBits)
                    .unwrap()
                    .into_classical_bits()
                    .unwrap();
                let cb = cpu
                    .read(&cs, &Readout::ClassicalBits)
                    .unwrap()
                    .into_classical_bits()
                    .unwrap();
                assert_eq!(gb, cb, "{precision} {page:?} seed {seed}");
                let gv = gpu
                    .read(&gs, &Readout::StateVector)
                    .unwrap()
                    .into_state_vector()
                    .unwrap()
                    .to_c64();
                let cv = cpu
                    .read(&cs, &Readout::StateVector)
                    .unwrap()
                    .into_state_vector()
                    .unwrap()
                    .to_c64();
                assert_close(&gv, &cv, 10.0 * tol(precision), "post-measurement state");
            }
        }
    }
}

#[test]
fn teleportation_moves_the_state() {
    let Some(gpu) = gpu(Precision::Double, None) else {
        return;
    };
    let (theta, phi, lambda): (f64, f64, f64) = (1.1, 0.4, -0.7);
    let mut c = Circuit::with_clbits(3, 2);
    c.u(theta, phi, lambda, 0);
    c.h(1).cx(1, 2).cx(0, 1).h(0);
    c.measure(0, 0).measure(1, 1);
    c.x(2).c_if(&[1], 1);
    c.z(2).c_if(&[0], 1);
    let p = program(&c, &fused());
    let want_z = theta.cos(); // <Z> of U(θ,φ,λ)|0>
    let want_x = theta.sin() * phi.cos();
    for seed in 0..8 {
        let mut s = gpu.alloc(3, seed).unwrap();
        gpu.run(&mut s, &p).unwrap();
        let e = gpu
            .read(
                &s,
                &Readout::Expectation(vec!["Z2".parse().unwrap(), "X2".parse().unwrap()]),
            )
            .unwrap()
            .into_expectations()
            .unwrap();
        assert!(
            (e[0] - want_z).abs() < 1e-12 && (e[1] - want_x).abs() < 1e-12,
            "{e:?}"
        );
    }
}

#[test]
fn readouts_of_a_set_state() {
    use ferroq_core::Complex64;
    for precision in PRECISIONS {
        let Some(gpu) = gpu(precision, Some(4)) else {
            return;
        };
        let cpu = cpu(precision);
        let mut rng = ferroq_core::Rng::new(8);
        let n = 7;
        let raw: Vec<Complex64> = (0..1 << n)
            .map(|_| Complex64::new(rng.next_f64() - 0.5, rng.next_f64() - 0.5))
            .collect();
        let norm = raw.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
        let amps: Vec<Complex64> = raw.iter().map(|z| z / norm).collect();
        let mut gs = gpu.alloc(n, 0).unwrap();
        gs.state_mut().set_amplitudes(&amps).unwrap();
        let mut cs = cpu.alloc(n, 0).unwrap();
        cs.state_mut().set_amplitudes(&amps).unwrap();
        let r = Readout::Expectation(vec![
            "X6 Y0 - Z3 Z5".parse().unwrap(),
            "Y6 Y5 X4".parse().unwrap(),
        ]);
        let g = gpu.read(&gs, &r).unwrap().into_expectations().unwrap();
        let w = cpu.read(&cs, &r).unwrap().into_expectations().unwrap();
        assert_close_f(&g, &w, tol(precision), "expectations of a set state");
        let sv = gpu
            .read(&gs, &Readout::StateVector)
            .unwrap()
            .into_state_vector()
            .unwrap()
            .to_c64();
        assert_close(&sv, &amps, tol(precision), "set state read back");
        // A run after set_amplitudes acts on the set state, not on |0…0>.
        let p = program(&random_circuit(n, 20, 3), &fused());
        gpu.run(&mut gs, &p).unwrap();
        cpu.run(&mut cs, &p).unwrap();
        let g = gpu
            .read(&gs, &Readout::StateVector)
            .unwrap()
            .into_state_vector()
            .unwrap()
            .to_c64();
        let w = cpu
            .read(&cs, &Readout::StateVector)
            .unwrap()
            .into_state_vector()
            .unwrap()
            .to_c64();
        assert_close(&g, &w, tol(precision), "run after set_amplitudes");
        // reset goes back to |0…0>.
        gs.reset(1).unwrap();
        let z = gpu
            .read(&gs, &Readout::Probabilities)
            .unwrap()
            .into_probabilities()
            .unwrap();
        assert!((z[0] - 1.0).abs() < 1e-6 && z[1..].iter().all(|&p| p == 0.0));
    }
}
