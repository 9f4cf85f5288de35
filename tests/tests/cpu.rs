//! The conformance suite on the CPU backend: complex128 and complex64, each with the
//! default options (SIMD kernels where the CPU has them), with the portable kernels
//! forced, and with the parallel and cache-blocked paths forced on tiny states (two
//! threads, parallel from 0 qubits, 8-amplitude tasks, 512-byte cache blocks).

use ferroq_conformance::conformance_suite;
use ferroq_core::Precision;
use ferroq_cpu::{CpuBackend, CpuOptions};

fn cpu(precision: Precision) -> CpuBackend {
    CpuBackend::new(CpuOptions {
        precision,
        threads: None,
        ..Default::default()
    })
    .expect("CPU backend")
}

fn cpu_portable(precision: Precision) -> CpuBackend {
    CpuBackend::new(CpuOptions {
        precision,
        simd: false,
        ..Default::default()
    })
    .expect("CPU backend")
}

fn cpu_forced_parallel(precision: Precision) -> CpuBackend {
    CpuBackend::new(CpuOptions {
        precision,
        threads: Some(2),
        parallel_threshold: 0,
        parallel_chunk: 8,
        cache_block_bytes: 512,
        ..Default::default()
    })
    .expect("CPU backend")
}

conformance_suite!(cpu_double, Precision::Double, || cpu(Precision::Double));
conformance_suite!(cpu_single, Precision::Single, || cpu(Precision::Single));
conformance_suite!(cpu_double_parallel, Precision::Double, || {
    cpu_forced_parallel(Precision::Double)
});
conformance_suite!(cpu_single_parallel, Precision::Single, || {
    cpu_forced_parallel(Precision::Single)
});
conformance_suite!(cpu_double_portable, Precision::Double, || {
    cpu_portable(Precision::Double)
});
conformance_suite!(cpu_single_portable, Precision::Single, || {
    cpu_portable(Precision::Single)
});
