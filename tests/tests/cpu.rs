//! The conformance suite on the CPU backend: complex128 and complex64, with each kernel
//! family the machine supports (AVX-512, AVX2, portable; a family the CPU lacks prints
//! why it is skipped), and with the parallel and cache-blocked paths forced on tiny
//! states (two threads, parallel from 0 qubits, 8-amplitude tasks, 512-byte cache
//! blocks) on the default family.

use ferroq_conformance::conformance_suite;
use ferroq_core::Precision;
use ferroq_cpu::{CpuBackend, CpuOptions, Kernels};

fn cpu(precision: Precision, kernels: Kernels) -> Option<CpuBackend> {
    if !kernels.supported() {
        eprintln!("skipping the {kernels} kernels: this CPU lacks their features");
        return None;
    }
    Some(
        CpuBackend::new(CpuOptions {
            precision,
            kernels,
            ..Default::default()
        })
        .expect("CPU backend"),
    )
}

fn cpu_forced_parallel(precision: Precision) -> CpuBackend {
    CpuBackend::new(CpuOptions {
        precision,
        threads: Some(2),
        parallel_threshold: 0,
        parallel_chunk: 8,
        cache_block_bytes: 512,
        cache_block_min_state_bytes: Some(0),
        ..Default::default()
    })
    .expect("CPU backend")
}

conformance_suite!(cpu_double, Precision::Double, || {
    cpu(Precision::Double, Kernels::Auto).expect("the default family runs everywhere")
});
conformance_suite!(cpu_single, Precision::Single, || {
    cpu(Precision::Single, Kernels::Auto).expect("the default family runs everywhere")
});
conformance_suite!(cpu_double_parallel, Precision::Double, || {
    cpu_forced_parallel(Precision::Double)
});
conformance_suite!(cpu_single_parallel, Precision::Single, || {
    cpu_forced_parallel(Precision::Single)
});
conformance_suite!(
    cpu_double_avx512,
    Precision::Double,
    optional || { cpu(Precision::Double, Kernels::Avx512) }
);
conformance_suite!(
    cpu_single_avx512,
    Precision::Single,
    optional || { cpu(Precision::Single, Kernels::Avx512) }
);
conformance_suite!(
    cpu_double_avx2,
    Precision::Double,
    optional || { cpu(Precision::Double, Kernels::Avx2) }
);
conformance_suite!(
    cpu_single_avx2,
    Precision::Single,
    optional || { cpu(Precision::Single, Kernels::Avx2) }
);
conformance_suite!(cpu_double_portable, Precision::Double, || {
    cpu(Precision::Double, Kernels::Portable).expect("portable kernels run everywhere")
});
conformance_suite!(cpu_single_portable, Precision::Single, || {
    cpu(Precision::Single, Kernels::Portable).expect("portable kernels run everywhere")
});
