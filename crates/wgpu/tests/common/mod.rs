//! Helpers of the GPU tests: backends that skip (with the reason printed) when no
//! adapter exists, random circuits (the conformance crate's generator), and comparisons
//! against the CPU backend.

#![allow(dead_code)]

use ferroq_conformance::random::RandomCircuitOptions;
use ferroq_core::{
    compile, Backend, BoundProgram, Circuit, CompileOptions, Complex64, Error, Plan, Precision,
    Readout, Rng,
};
use ferroq_cpu::{CpuBackend, CpuOptions};
use ferroq_wgpu::{WgpuBackend, WgpuOptions};

/// A GPU backend, or `None` (test skipped, reason printed) when none can be opened.
pub fn gpu(precision: Precision, page_qubits: Option<u32>) -> Option<WgpuBackend> {
    match WgpuBackend::new(WgpuOptions {
        precision,
        page_qubits,
        ..WgpuOptions::default()
    }) {
        Ok(b) => Some(b),
        Err(Error::BackendUnavailable { reason }) => {
            eprintln!("SKIPPED: no usable wgpu adapter ({precision}): {reason}");
            None
        }
        Err(e) => panic!("unexpected error opening the GPU backend: {e}"),
    }
}

pub fn cpu(precision: Precision) -> CpuBackend {
    CpuBackend::new(CpuOptions {
        precision,
        threads: Some(1),
        ..CpuOptions::default()
    })
    .expect("cpu backend")
}

pub fn tol(precision: Precision) -> f64 {
    precision.tolerance()
}

/// A random circuit of `len` gates on `n` qubits mixing every gate shape, from the
/// conformance crate's generator (the one every backend is checked with).
pub fn random_circuit(n: u32, len: usize, seed: u64) -> Circuit {
    let mut rng = Rng::new(seed);
    let options = RandomCircuitOptions {
        num_gates: len,
        ..RandomCircuitOptions::default()
    };
    ferroq_conformance::random::random_circuit(n, &options, &mut rng)
}

pub fn fused() -> CompileOptions {
    CompileOptions::default()
}

/// Fusion into blocks of up to 6 qubits (the largest dense kernel).
pub fn fused6() -> CompileOptions {
    CompileOptions {
        max_fused_qubits: 6,
        ..CompileOptions::default()
    }
}

/// The plan of `c` (parameters left as slots).
pub fn plan(c: &Circuit, options: &CompileOptions) -> Plan {
    compile(c, options).expect("compiles")
}

/// The runnable program of a circuit without parameters.
pub fn program(c: &Circuit, options: &CompileOptions) -> BoundProgram {
    plan(c, options).bind(&[]).expect("binds")
}

pub fn run_state<B: Backend>(b: &B, p: &BoundProgram, seed: u64) -> Vec<Complex64> {
    let mut s = b.alloc(p.num_qubits(), seed).expect("alloc");
    b.run(&mut s, p).expect("run");
    b.read(&s, &Readout::StateVector)
        .expect("read")
        .into_state_vector()
        .expect("state vector")
        .to_c64()
}

pub fn assert_close(got: &[Complex64], want: &[Complex64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).norm() <= tol,
            "{what}: amplitude {i}: got {g}, want {w}"
        );
    }
}

pub fn assert_close_f(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "{what}: entry {i}: got {g}, want {w}");
    }
}
