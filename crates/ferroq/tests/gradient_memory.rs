//! The adjoint gradient checks the memory of all the states it holds at once (2 + k for
//! the Jacobian of k observables, 3 for the folded vector–Jacobian product) before
//! allocating any.

use ferroq::{
    BackendConfig, Circuit, CpuOptions, Error, Observable, ParamBinding, Simulator,
    SimulatorOptions,
};

fn sim_with_limit(bytes: u64) -> Simulator {
    Simulator::with_options(SimulatorOptions {
        backend: BackendConfig::Cpu(CpuOptions {
            memory_limit: Some(bytes),
            ..Default::default()
        }),
        ..Default::default()
    })
    .expect("CPU backend")
}

#[test]
fn gradient_counts_every_state_it_holds() {
    let n = 10; // 16 KiB per complex128 state
    let state = 16u64 << 10;
    let mut c = Circuit::new(n);
    c.h(0).ry("t", 0).cx(0, 1);
    let z: Observable = "Z".parse().unwrap();
    let three = vec![z.clone(), z.clone(), z.clone()];
    let b = ParamBinding::new().with("t", 0.3);

    // One state fits, three do not.
    let sim = sim_with_limit(2 * state);
    assert!(sim.run(&c, &b).is_ok());
    for result in [
        sim.gradient(&c, std::slice::from_ref(&z), &b).map(|_| ()),
        sim.vjp(&c, std::slice::from_ref(&z), &[1.0], &b)
            .map(|_| ()),
    ] {
        match result {
            Err(Error::OutOfMemory { needed_bytes, .. }) => {
                assert_eq!(needed_bytes, 3 * state as u128)
            }
            other => panic!("expected OutOfMemory, got {other:?}"),
        }
    }

    // Four states fit: one observable (3 states) and the folded form of three (3) run;
    // the Jacobian of three observables (5 states) does not.
    let sim = sim_with_limit(4 * state);
    assert!(sim.gradient(&c, std::slice::from_ref(&z), &b).is_ok());
    assert!(sim.vjp(&c, &three, &[1.0, 2.0, 3.0], &b).is_ok());
    match sim.gradient(&c, &three, &b) {
        Err(Error::OutOfMemory { needed_bytes, .. }) => assert_eq!(needed_bytes, 5 * state as u128),
        other => panic!("expected OutOfMemory, got {other:?}"),
    }
}
