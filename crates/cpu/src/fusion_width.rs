//! The fusion width from a cost model measured on this machine: how much one dense
//! k-qubit pass costs relative to a 2-qubit one, with the kernel family and precision
//! that will run.
//!
//! A fused block of `k` qubits typically takes the place of about `k - 1` two-qubit
//! passes (a brickwork of two-qubit gates with the one-qubit gates between them), so it
//! pays where `(k - 1) · t(2) / t(k) > 1`. Where a dense pass is bound by memory, wider
//! blocks are nearly free; where it is bound by arithmetic, each added qubit doubles it
//! (measured on a 2-core AMD EPYC Zen 4, both families: `t(3) ≈ 2 t(2)`, `t(4) ≈ 4 t(2)`,
//! so 2 stays). The passes are timed once per process, kernel family and precision, on
//! one thread and a state of 2^16 amplitudes (in the per-core L2, where the arithmetic
//! shows), min of a few repeats; a wider block must win by [`MARGIN`] to be chosen, so
//! timing noise does not flip the choice.

use crate::{CpuBackend, CpuOptions, Kernels};
use ferroq_core::{compile, Backend, Circuit, CompileOptions, Complex64, Matrix, Precision};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// Widths measured (beyond the default 2).
const CANDIDATES: [u32; 2] = [3, 4];

/// How much better than 2 (in `(k - 1) · t(2) / t(k)`) a wider block must be.
const MARGIN: f64 = 1.15;

/// Qubits of the calibration state.
const STATE_QUBITS: u32 = 16;

/// Timed passes per width (the minimum counts).
const REPEATS: usize = 5;

/// The measured width per kernel family and precision, for this process.
fn cache() -> &'static Mutex<HashMap<(Kernels, Precision), u32>> {
    static CACHE: OnceLock<Mutex<HashMap<(Kernels, Precision), u32>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The fusion width for `kernels` (resolved) in `precision`, measured on first use.
pub(crate) fn measured(kernels: Kernels, precision: Precision) -> u32 {
    let key = (kernels, precision);
    if let Some(w) = cache().lock().ok().and_then(|c| c.get(&key).copied()) {
        return w;
    }
    let width = measure(kernels, precision).unwrap_or(2);
    if let Ok(mut c) = cache().lock() {
        c.insert(key, width);
    }
    width
}

/// `t(k)` for k = 2 and the candidates, then the width the model picks.
fn measure(kernels: Kernels, precision: Precision) -> Option<u32> {
    let backend = CpuBackend::new(CpuOptions {
        precision,
        kernels,
        threads: Some(1),
        fusion_width: Some(2),
        ..CpuOptions::default()
    })
    .ok()?;
    let t2 = pass_seconds(&backend, 2)?;
    let mut best = (2, 1.0);
    for k in CANDIDATES {
        let value = (k - 1) as f64 * t2 / pass_seconds(&backend, k)?;
        if value > best.1 * MARGIN {
            best = (k, value);
        }
    }
    Some(best.0)
}

/// The fastest of [`REPEATS`] runs of one dense `k`-qubit op (targets 4.., clear of the
/// vector lanes) on a [`STATE_QUBITS`]-qubit state.
fn pass_seconds(backend: &CpuBackend, k: u32) -> Option<f64> {
    let dim = 1usize << k;
    // A dense unitary with every entry non-zero: the Fourier matrix.
    let scale = 1.0 / (dim as f64).sqrt();
    let data = (0..dim * dim)
        .map(|i| {
            let angle = 2.0 * std::f64::consts::PI * ((i / dim) * (i % dim)) as f64 / dim as f64;
            Complex64::from_polar(scale, angle)
        })
        .collect();
    let mut circuit = Circuit::new(STATE_QUBITS);
    circuit.unitary(
        Matrix::new(dim, data).ok()?,
        &(4..4 + k).collect::<Vec<_>>(),
    );
    let program = compile(&circuit, &CompileOptions::unfused())
        .ok()?
        .bind(&[])
        .ok()?;
    let mut state = backend.alloc(STATE_QUBITS, 0).ok()?;
    backend.run(&mut state, &program).ok()?;
    (0..REPEATS)
        .map(|_| {
            let start = Instant::now();
            backend.run(&mut state, &program).ok()?;
            Some(start.elapsed().as_secs_f64())
        })
        .try_fold(f64::INFINITY, |best, t| t.map(|t| best.min(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measured_width_is_a_candidate_and_cached() {
        let w = measured(Kernels::Portable, Precision::Single);
        assert!(w == 2 || CANDIDATES.contains(&w), "width {w}");
        assert_eq!(measured(Kernels::Portable, Precision::Single), w);
    }

    #[test]
    fn a_set_width_is_used_and_checked() {
        let with = |w| {
            CpuBackend::new(CpuOptions {
                fusion_width: Some(w),
                ..CpuOptions::default()
            })
        };
        let opts = with(3).unwrap().capabilities().compile_options;
        assert_eq!((opts.fusion, opts.max_fused_qubits), (true, 3));
        assert!(!with(0).unwrap().capabilities().compile_options.fusion);
        let err = with(7).unwrap_err().to_string();
        assert!(err.contains("fusion_width must be at most 6"), "{err}");
    }
}
