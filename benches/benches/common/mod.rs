//! Backends shared by the criterion benches: the CPU in both precisions and, with the
//! `wgpu` feature and an adapter present, the GPU in single precision.

use ferroq::{AnyBackend, Backend, BackendKind, Precision};
use ferroq_bench::runner::make_backend;

/// `(label, backend)` for every backend the benches time.
pub fn backends() -> Vec<(String, AnyBackend)> {
    let mut out = Vec::new();
    for p in [Precision::Double, Precision::Single] {
        if let Ok(b) = make_backend(BackendKind::Cpu, p, None, None) {
            out.push((format!("cpu-{p}"), b));
        }
    }
    if let Ok(b) = make_backend(BackendKind::Wgpu, Precision::Single, None, None) {
        out.push((format!("wgpu-{}", b.precision()), b));
    }
    out
}
