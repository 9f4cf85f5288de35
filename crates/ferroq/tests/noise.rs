//! The simulator with a noise model: shots with readout errors follow the exact
//! density-matrix distribution (chi-square bound, fixed seeds), expectation estimates
//! cover the exact value, results are identical for any thread count, and gradients of
//! noisy circuits are refused.

use ferroq::{
    BackendConfig, Channel, Circuit, CpuOptions, NoiseModel, Observable, ParamBinding,
    ReadoutError, Simulator, SimulatorOptions,
};

fn model() -> NoiseModel {
    let mut m = NoiseModel::new();
    m.add_all_qubit_error(Channel::depolarizing(0.05, 1).unwrap(), &["h", "ry"])
        .unwrap()
        .add_all_qubit_error(Channel::depolarizing(0.1, 2).unwrap(), &["cx"])
        .unwrap()
        .add_qubit_error(Channel::amplitude_damping(0.2).unwrap(), &["ry"], &[2])
        .unwrap();
    m.add_all_qubit_readout_error(ReadoutError::flips(0.02, 0.08).unwrap());
    m
}

fn sim(threads: usize, noise: Option<NoiseModel>) -> Simulator {
    Simulator::with_options(SimulatorOptions {
        backend: BackendConfig::Cpu(CpuOptions {
            threads: Some(threads),
            parallel_threshold: 0,
            ..Default::default()
        }),
        seed: Some(2026),
        noise,
        ..Default::default()
    })
    .unwrap()
}

fn circuit(measure: bool) -> Circuit {
    let mut c = Circuit::new(3);
    c.h(0).cx(0, 1).ry(0.7, 2).cx(1, 2).ry(0.3, 2);
    if measure {
        c.measure_all();
    }
    c
}

#[test]
fn shots_with_readout_errors_follow_the_density_matrix() {
    let s = sim(2, Some(model()));
    let exact = s
        .density_matrix(&circuit(true), &ParamBinding::new())
        .unwrap()
        .clbit_probabilities()
        .unwrap();
    let shots = 20_000;
    let draws = s
        .sample(&circuit(true), shots, &ParamBinding::new())
        .unwrap();
    let mut counts = [0f64; 8];
    for d in draws {
        counts[d as usize] += 1.0;
    }
    let chi: f64 = counts
        .iter()
        .zip(&exact)
        .map(|(o, p)| (o - p * shots as f64).powi(2) / (p * shots as f64))
        .sum();
    // 7 degrees of freedom: P(chi² > 30) < 1e-4.
    assert!(chi < 30.0, "chi-square {chi}: {counts:?} vs {exact:?}");
}

#[test]
fn expectation_estimates_cover_the_exact_value() {
    let s = sim(2, Some(model()));
    let obs: Vec<Observable> = ["ZZI", "IXX", "ZIZ"]
        .iter()
        .map(|o| o.parse().unwrap())
        .collect();
    let dm = s
        .density_matrix(&circuit(false), &ParamBinding::new())
        .unwrap();
    let exact = dm.expectations(&obs).unwrap();
    let est = s
        .expectation_estimates(&circuit(false), &obs, &ParamBinding::new(), 4000)
        .unwrap();
    for (e, x) in est.iter().zip(exact) {
        assert_eq!(e.trajectories, 4000);
        assert!(
            (e.mean - x).abs() <= 5.0 * e.std_error + 1e-12,
            "{e:?} vs {x}"
        );
    }
    let single = s
        .expectation(&circuit(false), &obs[0], &ParamBinding::new())
        .unwrap();
    assert!((single - dm.expectations(&obs[..1]).unwrap()[0]).abs() < 0.1);
    // Without noise the estimate is exact.
    let clean = sim(1, None)
        .expectation_estimates(&circuit(false), &obs, &ParamBinding::new(), 10)
        .unwrap();
    assert_eq!(clean[0].std_error, 0.0);
}

#[test]
fn identical_for_any_thread_count() {
    let one = sim(1, Some(model()));
    let two = sim(2, Some(model()));
    let b = ParamBinding::new();
    assert_eq!(
        one.sample(&circuit(true), 3000, &b).unwrap(),
        two.sample(&circuit(true), 3000, &b).unwrap()
    );
    let mut mid = circuit(false);
    mid.measure(0, 0).h(0).measure(0, 1);
    assert_eq!(
        one.sample(&mid, 500, &b).unwrap(),
        two.sample(&mid, 500, &b).unwrap()
    );
    let obs: Observable = "ZZZ".parse().unwrap();
    assert_eq!(
        one.expectation_estimates(&circuit(false), std::slice::from_ref(&obs), &b, 300)
            .unwrap(),
        two.expectation_estimates(&circuit(false), std::slice::from_ref(&obs), &b, 300)
            .unwrap()
    );
}

#[test]
fn gradients_of_noisy_circuits_are_refused() {
    let s = sim(1, Some(model()));
    let mut c = Circuit::new(1);
    c.ry("t", 0);
    let z: Observable = "Z".parse().unwrap();
    let e = s
        .gradient(&c, &[z], &ParamBinding::new().with("t", 0.1))
        .unwrap_err();
    assert!(e.to_string().contains("noisy"), "{e}");
}
