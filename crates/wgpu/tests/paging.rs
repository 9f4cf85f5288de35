//! A real state larger than one storage binding: 25 qubits of complex64 is 256 MiB,
//! twice lavapipe's 128 MiB binding limit, so it lives in two pages and the gates on
//! qubit 24 pair amplitudes across them. About 20 s on lavapipe with two cores.

mod common;

use common::*;
use ferroq_core::{Backend, Circuit, CompileOptions, Observable, Precision, Readout};

#[test]
fn state_larger_than_one_binding() {
    let precision = Precision::Single;
    let Some(gpu) = gpu(precision, None) else {
        return;
    };
    let n = 25u32;
    let info = gpu.adapter_info();
    let state_bytes = precision.state_bytes(n).unwrap() as u64;
    if state_bytes <= info.max_storage_binding_bytes {
        eprintln!(
            "note: `{}` binds {} bytes, so 25 qubits fit one page; paging is still exercised by the forced-page tests",
            info.name, info.max_storage_binding_bytes
        );
    }
    let mut c = Circuit::new(n);
    c.h(24).cx(24, 1).ry(0.3, 23).cp(0.5, 1, 24);
    let p = program(&c, &CompileOptions::unfused());
    let mut s = gpu.alloc(n, 0).unwrap();
    if state_bytes > info.max_storage_binding_bytes {
        assert!(
            s.state().page_count() >= 2,
            "{} pages",
            s.state().page_count()
        );
    }
    gpu.run(&mut s, &p).unwrap();

    // The same circuit on the 4 qubits it touches, on the CPU, gives the reference.
    let mut small = Circuit::new(4);
    small.h(3).cx(3, 1).ry(0.3, 2).cp(0.5, 1, 3);
    let cpu = cpu(Precision::Double);
    let mut cs = cpu.alloc(4, 0).unwrap();
    cpu.run(&mut cs, &program(&small, &CompileOptions::unfused()))
        .unwrap();

    let marg = gpu
        .read(&s, &Readout::Marginal(vec![0, 1, 23, 24]))
        .unwrap()
        .into_probabilities()
        .unwrap();
    let want = cpu
        .read(&cs, &Readout::Probabilities)
        .unwrap()
        .into_probabilities()
        .unwrap();
    assert_close_f(&marg, &want, 1e-4, "marginal of the 25-qubit state");

    // One pass: both terms flip qubits 1 and 24, so each pairs amplitudes across pages.
    let obs: Vec<Observable> = ["X24 X1", "Y24 Y1 - 0.5*X24 X1"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let small_obs: Vec<Observable> = ["X3 X1", "Y3 Y1 - 0.5*X3 X1"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let e = gpu
        .read(&s, &Readout::Expectation(obs))
        .unwrap()
        .into_expectations()
        .unwrap();
    let w = cpu
        .read(&cs, &Readout::Expectation(small_obs))
        .unwrap()
        .into_expectations()
        .unwrap();
    assert_close_f(&e, &w, 1e-4, "expectations of the 25-qubit state");

    let shots = gpu
        .read(
            &s,
            &Readout::Samples {
                shots: 1000,
                seed: 5,
            },
        )
        .unwrap()
        .into_samples()
        .unwrap();
    let support = |x: u64| x & !((1 << 24) | (1 << 23) | 2) == 0;
    assert!(
        shots.iter().all(|&x| support(x)),
        "samples outside the support"
    );
    assert!(shots.iter().any(|&x| x >> 24 == 1) && shots.iter().any(|&x| x >> 24 == 0));
}
